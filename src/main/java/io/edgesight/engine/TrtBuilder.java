package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Builds a TensorRT engine from an ONNX file on this machine's GPU, for exactly the configured batch: the ONNX
 * parser reads the model, a dynamic batch dimension gets one optimisation profile with min = opt = max = batch,
 * the workspace is checked against the GPU's free memory first (the seed's out-of-memory pitfall), FP16 is asked
 * for when configured, and the timing cache of earlier builds on this GPU is reused and updated. TensorRT's own
 * progress monitor cannot be implemented from Java with these bindings, so a heartbeat logs the elapsed time.
 * The calls into TensorRT are those of the API this jar speaks ({@link TrtApi}); the rules are here, shared.
 */
final class TrtBuilder {
    static final String PLAN = "model.plan";
    private static final long HEARTBEAT_MS = 5_000;

    /** What the build saw: the network's input and outputs, and how long TensorRT took. */
    record Built(String input, long[] inputShape, List<String> outputs, int networkLayers, double seconds, long planBytes,
                 boolean fastFp16) {}

    private TrtBuilder() {}

    /**
     * A user error unless {@code workspace} fits the GPU: TensorRT would fail to allocate tactics' scratch memory
     * and build a slower engine, or fail the build, when it does not.
     */
    static void checkWorkspace(String model, long workspace, long freeBytes, long totalBytes) {
        if (workspace >= totalBytes) {
            throw new EngineException("model '" + model + "': edgesight.engine.trt.max-workspace-bytes is " + mb(workspace)
                    + " MB but the GPU has only " + mb(totalBytes) + " MB in all; set it well below that (e.g. 1073741824"
                    + " for 1 GB)");
        }
        if (workspace > freeBytes) {
            throw new EngineException("model '" + model + "': edgesight.engine.trt.max-workspace-bytes is " + mb(workspace)
                    + " MB but only " + mb(freeBytes) + " MB of the GPU's " + mb(totalBytes) + " MB are free; lower it, or"
                    + " stop what else uses the GPU");
        }
    }

    static long mb(long bytes) {
        return bytes >> 20;
    }

    /**
     * Builds the plan with the TensorRT API of this jar ({@link TrtApi}), after checking the workspace against the
     * GPU's free memory.
     */
    static Built build(ModelSpec spec, EngineOptions options, Path target, Path timingCache, long t0) throws IOException {
        long[] mem = TrtLibrary.memory();
        checkWorkspace(spec.id(), options.maxWorkspaceBytes(), mem[0], mem[1]);
        return TrtLibrary.api().build(spec, options, target, timingCache, t0);
    }

    /** The stage line before TensorRT starts building. */
    static String buildingStage(ModelSpec spec, EngineOptions options, int layers, int cacheBytes) {
        return "TensorRT is building the engine for batch " + spec.batchSize() + ", " + spec.precision()
                + ", workspace " + mb(options.maxWorkspaceBytes()) + " MB, " + layers + " network layers"
                + (cacheBytes > 0 ? ", timing cache " + (cacheBytes >> 10) + " KB" : "") + " (minutes on a Jetson)";
    }

    static byte[] readTimingCache(Path timingCache) throws IOException {
        return Files.isRegularFile(timingCache) ? Files.readAllBytes(timingCache) : new byte[0];
    }

    static Thread heartbeat(String id, long t0, long b0) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(HEARTBEAT_MS);
                    EngineCache.stage(id, "TensorRT is still building: " + (System.nanoTime() - b0) / 1_000_000_000 + " s", t0);
                }
            } catch (InterruptedException e) {
                // build finished
            }
        }, "trt-build-" + id);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String parserError(String code, String desc, int node, String nodeName, String op) {
        String where = node >= 0 ? " (node " + node + (nodeName == null || nodeName.isEmpty() ? "" : " '" + nodeName + "'")
                + (op == null || op.isEmpty() ? "" : ", op " + op) + ")" : "";
        String c = code.replaceFirst("^k", "");
        return "[" + c + "] " + (desc == null ? "" : desc.replaceAll("\\s+", " ").trim()) + where;
    }

    static String parseErrors(ModelSpec spec, List<String> lines) {
        StringBuilder sb = new StringBuilder("model '" + spec.id() + "': TensorRT's ONNX parser cannot build a network from "
                + spec.path() + " (" + lines.size() + (lines.size() == 1 ? " error" : " errors") + "); export the model with"
                + " ops TensorRT supports, or set " + ModelSpec.PREFIX + spec.id() + ".runtime=onnxruntime:");
        for (String l : lines) sb.append("\n  ").append(l);
        return sb.toString();
    }

    /** One image input [batch, 3, h, w] or [batch, h, w, 3] with fixed h and w and a batch that can be fixed (-1 = dynamic). */
    static void checkShape(ModelSpec spec, String name, long[] s) {
        String shown = java.util.Arrays.toString(s).replace("-1", "?");
        if (s.length != 4 || (s[1] != 3 && s[3] != 3)) {
            throw new EngineException("model '" + spec.id() + "' input '" + name + "' is " + shown + ", not an image tensor"
                    + " [batch, 3, height, width] (NCHW) or [batch, height, width, 3] (NHWC)");
        }
        for (int i = 1; i < 4; i++) {
            if (s[i] < 0) {
                throw new EngineException("model '" + spec.id() + "' input '" + name + "' is " + shown + ": TensorRT builds"
                        + " for one fixed shape and edgesight fixes only the batch dimension (to batch-size "
                        + spec.batchSize() + "); export the model with a fixed height and width");
            }
        }
        if (s[0] == 0 || s[0] < -1) {
            throw new EngineException("model '" + spec.id() + "' input '" + name + "' is " + shown + ": its batch dimension is"
                    + " neither fixed nor dynamic (-1); export it with a dynamic or fixed batch");
        }
        if (s[0] > 0 && s[0] != spec.batchSize()) {
            throw new EngineException("model '" + spec.id() + "' takes batches of exactly " + s[0] + " but "
                    + ModelSpec.PREFIX + spec.id() + ".batch-size is " + spec.batchSize() + "; set it to " + s[0]
                    + " or export the model with a dynamic batch dimension");
        }
    }

    /** Writes {@code size} bytes at {@code data} to {@code file}, atomically. */
    static void write(Path file, Pointer data, long size) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(size)];
        new BytePointer(data).capacity(size).get(bytes);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The manifest's record of a build. */
    static Map<String, Object> describe(Built b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", b.input());
        m.put("onnxInputShape", b.inputShape());
        m.put("outputs", b.outputs());
        m.put("networkLayers", b.networkLayers());
        m.put("buildSeconds", Math.round(b.seconds() * 100) / 100.0);
        m.put("planBytes", b.planBytes());
        m.put("platformHasFastFp16", b.fastFp16());
        return m;
    }
}
