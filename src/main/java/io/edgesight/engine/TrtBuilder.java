package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.tensorrt.global.nvinfer.BuilderFlag;
import static org.bytedeco.tensorrt.global.nvinfer.MemoryPoolType;
import static org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import static org.bytedeco.tensorrt.global.nvinfer.ProfilingVerbosity;
import static org.bytedeco.tensorrt.global.nvinfer.createInferBuilder;
import static org.bytedeco.tensorrt.global.nvonnxparser.createParser;

/**
 * Builds a TensorRT engine from an ONNX file on this machine's GPU, for exactly the configured batch: the ONNX
 * parser reads the model, a dynamic batch dimension gets one optimisation profile with min = opt = max = batch,
 * the workspace is checked against the GPU's free memory first (the seed's out-of-memory pitfall), FP16 is asked
 * for when configured, and the timing cache of earlier builds on this GPU is reused and updated. TensorRT's own
 * progress monitor cannot be implemented from Java with these bindings, so a heartbeat logs the elapsed time.
 */
final class TrtBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(TrtBuilder.class);
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

    private static long mb(long bytes) {
        return bytes >> 20;
    }

    static Built build(ModelSpec spec, EngineOptions options, Path target, Path timingCache, long t0) throws IOException {
        String id = spec.id();
        long[] mem = TrtLibrary.memory();
        checkWorkspace(id, options.maxWorkspaceBytes(), mem[0], mem[1]);
        TrtLogger log = TrtLogger.INSTANCE;
        List<Pointer> owned = new ArrayList<>();
        try {
            IBuilder builder = own(owned, createInferBuilder(log), "createInferBuilder");
            // TensorRT 10 networks are explicit-batch; flag 0 = weakly typed, so the FP16 builder flag applies
            INetworkDefinition network = own(owned, builder.createNetworkV2(0), "createNetworkV2");
            IParser parser = own(owned, createParser(network, log), "nvonnxparser.createParser");
            EngineCache.stage(id, "TensorRT " + TrtLibrary.status().tensorRtVersion() + ": parsing " + spec.path(), t0);
            int mark = log.mark();
            if (!parser.parseFromFile(spec.path().toAbsolutePath().toString(), TrtLogger.Severity.kWARNING.value)) {
                throw new EngineException(parseErrors(spec, parser, log.since(mark)));
            }
            ITensor input = checkInput(spec, network);
            long[] shape = dims(input.getDimensions());
            List<String> outputs = new ArrayList<>();
            for (int i = 0; i < network.getNbOutputs(); i++) outputs.add(network.getOutput(i).getName());

            IBuilderConfig config = own(owned, builder.createBuilderConfig(), "createBuilderConfig");
            config.setMemoryPoolLimit(MemoryPoolType.kWORKSPACE, options.maxWorkspaceBytes());
            config.setProfilingVerbosity(ProfilingVerbosity.kDETAILED); // the inspector then names precisions and kernels
            boolean fastFp16 = builder.platformHasFastFp16();
            if (spec.precision() == Precision.FP16) {
                if (!fastFp16) LOG.warn("engine '{}': this GPU has no fast FP16; TensorRT may keep every layer in FP32", id);
                config.setFlag(BuilderFlag.kFP16);
            }
            if (shape[0] < 0) {
                IOptimizationProfile profile = builder.createOptimizationProfile();
                Dims64 d = dims(shape, spec.batchSize());
                profile.setDimensions(input.getName(), OptProfileSelector.kMIN, d);
                profile.setDimensions(input.getName(), OptProfileSelector.kOPT, d);
                profile.setDimensions(input.getName(), OptProfileSelector.kMAX, d);
                config.addOptimizationProfile(profile);
            }
            byte[] cacheBytes = Files.isRegularFile(timingCache) ? Files.readAllBytes(timingCache) : new byte[0];
            BytePointer cacheData = cacheBytes.length == 0 ? null : new BytePointer(cacheBytes);
            ITimingCache cache = config.createTimingCache(cacheData, cacheBytes.length);
            if (cache != null && !cache.isNull()) {
                own(owned, cache, "createTimingCache");
                config.setTimingCache(cache, false);
            }

            EngineCache.stage(id, "TensorRT is building the engine for batch " + spec.batchSize() + ", " + spec.precision()
                    + ", workspace " + mb(options.maxWorkspaceBytes()) + " MB, " + network.getNbLayers() + " network layers"
                    + (cacheBytes.length > 0 ? ", timing cache " + (cacheBytes.length >> 10) + " KB" : "")
                    + " (minutes on a Jetson)", t0);
            long b0 = System.nanoTime();
            IHostMemory plan;
            mark = log.mark();
            Thread heartbeat = heartbeat(id, t0, b0);
            try {
                plan = builder.buildSerializedNetwork(network, config);
            } finally {
                heartbeat.interrupt();
            }
            double seconds = (System.nanoTime() - b0) / 1e9;
            if (plan == null || plan.isNull() || plan.size() == 0) {
                List<String> errors = log.since(mark);
                throw new EngineException("model '" + id + "': TensorRT could not build an engine"
                        + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)));
            }
            own(owned, plan, "plan");
            long size = plan.size();
            write(target.resolve(PLAN), new BytePointer(plan.data()).capacity(size), size);
            IHostMemory updated = config.getTimingCache() == null ? null : config.getTimingCache().serialize();
            if (updated != null && !updated.isNull()) {
                own(owned, updated, "timing cache");
                write(timingCache, new BytePointer(updated.data()).capacity(updated.size()), updated.size());
            }
            EngineCache.stage(id, String.format("TensorRT built the engine in %.1f s: %d MB", seconds, size >> 20), t0);
            return new Built(input.getName(), shape, outputs, network.getNbLayers(), seconds, size, fastFp16);
        } finally {
            for (int i = owned.size() - 1; i >= 0; i--) owned.get(i).deallocate();
        }
    }

    private static Thread heartbeat(String id, long t0, long b0) {
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

    /** The parser's own errors, one line each, and what to do. */
    static String parseErrors(ModelSpec spec, IParser parser, List<String> logged) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            IParserError e = parser.getError(i);
            lines.add(parserError(String.valueOf(e.code()), e.desc(), e.node(), e.nodeName(), e.nodeOperator()));
        }
        if (lines.isEmpty()) lines.addAll(logged);
        return parseErrors(spec, lines);
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

    /** One image input [batch, 3, h, w] or [batch, h, w, 3] with fixed h and w and a batch that can be fixed. */
    static ITensor checkInput(ModelSpec spec, INetworkDefinition network) {
        int n = network.getNbInputs();
        if (n != 1) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) names.add(network.getInput(i).getName());
            throw new EngineException("model '" + spec.id() + "' has " + n + " inputs " + names
                    + "; edgesight feeds one image tensor [batch, 3, height, width] or [batch, height, width, 3]");
        }
        ITensor in = network.getInput(0);
        checkShape(spec, in.getName(), dims(in.getDimensions()));
        return in;
    }

    /** The shape rules of {@link #checkInput}, on plain numbers (-1 = dynamic). */
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

    static long[] dims(Dims64 d) {
        long[] s = new long[d.nbDims()];
        for (int i = 0; i < s.length; i++) s[i] = d.d(i);
        return s;
    }

    /** {@code shape} with the batch dimension set to {@code batch}. */
    static Dims64 dims(long[] shape, int batch) {
        Dims64 d = new Dims64();
        d.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) d.d(i, i == 0 ? batch : shape[i]);
        return d;
    }

    private static <P extends Pointer> P own(List<Pointer> owned, P p, String what) {
        if (p == null || p.isNull()) {
            List<String> errors = TrtLogger.INSTANCE.since(Math.max(0, TrtLogger.INSTANCE.mark() - 3));
            throw new EngineException("TensorRT: " + what + " returned nothing" + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)));
        }
        owned.add(p);
        return p;
    }

    private static void write(Path file, BytePointer data, long size) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(size)];
        data.get(bytes);
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
