package io.edgesight.bench;

import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.edgesight.app.EdgesightApp;

/**
 * The whole pipeline (file source at full speed -> resize -> batch -> infer -> decode -> MQTT, file) on the
 * configured routes, counted from the first frame read to the last prediction published ({@code seconds},
 * {@code framesPerSecond}) and, like the bare engine's timed runs after its warm-up, in steady state: from the
 * moment the first fifth of the frames was published to the last ({@code steadyFramesPerSecond}; JIT compilation
 * and the first batches' start-up are left out).
 */
public final class PipelineBench {

    /** {@code steadyCpuMsPerFrame}: whole-process CPU time per frame published, in the same steady state. */
    public record Result(String model, int batch, long frames, double seconds, double framesPerSecond,
                         double steadyFramesPerSecond, double steadyCpuMsPerFrame) {}

    /** No prediction for this long (engine build and start-up included) means the run is stuck. */
    private static final long STALL_NANOS = 90_000_000_000L;

    private PipelineBench() {}

    public static Result run(Path config, Path routes, String model, String camera, int batch, long frames,
                             Map<String, String> extra, PrintStream out) throws Exception {
        Path outDir = Files.createTempDirectory("edgesight-bench");
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.models." + model + ".batch-size", Integer.toString(batch));
        o.put("edgesight.cameras." + camera + ".loop", "true");
        o.put("edgesight.cameras." + camera + ".pacing", "fast");
        o.put("edgesight.output.dir", outDir.toString());
        o.put("edgesight.mqtt.embedded.port", Integer.toString(freePort()));
        o.put("camel.server.port", Integer.toString(freePort()));
        o.putAll(extra);
        o.put("camel.management.port", o.get("camel.server.port"));
        out.printf("pipeline %s batch %d: %d frames through %s%n", model, batch, frames, routes);
        EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(config, routes, frames, 600, o));
        Throwable[] failure = new Throwable[1];
        Thread runner = new Thread(() -> {
            try {
                app.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "edgesight-bench-pipeline");
        runner.start();
        // a run that stops making progress is stopped and reported, not waited on for its whole --duration
        long lastCount = -1;
        long lastChange = System.nanoTime();
        long warm = Math.max(batch, frames / 5);
        long warmCount = -1;
        long warmNanos = 0;
        long warmCpu = 0;
        long lastCpu = 0;
        while (runner.isAlive()) {
            runner.join(2);
            long count = app.tracker() == null ? 0 : app.tracker().totalPublished();
            if (count != lastCount) {
                lastCount = count;
                lastChange = System.nanoTime();
                lastCpu = ProcessProbe.cpuNanos();
                if (warmCount < 0 && count >= warm) {
                    warmCount = count;
                    warmNanos = lastChange;
                    warmCpu = lastCpu;
                }
            } else if (System.nanoTime() - lastChange > STALL_NANOS) {
                String summary = app.tracker() == null ? "not started" : app.tracker().summary();
                app.stop();
                runner.join(60_000);
                RunningApp.deleteTree(outDir);
                throw new IllegalStateException("pipeline " + model + " batch " + batch + ": no progress for "
                        + STALL_NANOS / 1_000_000_000L + " s (" + summary + ")");
            }
        }
        RunningApp.deleteTree(outDir);
        if (failure[0] instanceof Exception e) throw e;
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
        long published = app.tracker().totalPublished();
        double seconds = app.tracker().activeSeconds();
        double steady = warmCount > 0 && published > warmCount && lastChange > warmNanos
                ? (published - warmCount) / ((lastChange - warmNanos) / 1e9) : published / seconds;
        // the count last changed with the last frame; the CPU read then is the steady state's end
        double cpuPerFrame = warmCount > 0 && lastCount > warmCount ? (lastCpu - warmCpu) / 1e6 / (lastCount - warmCount) : Double.NaN;
        Result r = new Result(model, batch, published, seconds, published / seconds, steady, cpuPerFrame);
        out.printf("  pipeline: %d frames in %.2f s = %.1f frames/s; steady state (after the first %d) %.1f frames/s, %.2f ms CPU per frame%n",
                published, seconds, r.framesPerSecond(), warmCount, steady, cpuPerFrame);
        return r;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
