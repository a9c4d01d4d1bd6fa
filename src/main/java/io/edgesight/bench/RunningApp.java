package io.edgesight.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.edgesight.app.EdgesightApp;
import io.edgesight.stats.PipelineTracker;
import io.edgesight.config.UserError;

/**
 * The application in this process on its own thread, with free ports and a temporary output directory, for runs
 * that are measured while they go on (latency, scale, soak) rather than to their end.
 */
final class RunningApp implements AutoCloseable {
    private final EdgesightApp app;
    private final Thread thread;
    private final Path outDir;
    private volatile Throwable failure;

    RunningApp(Path config, Path routes, Map<String, String> overrides) throws IOException {
        outDir = Files.createTempDirectory("edgesight-bench");
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.output.dir", outDir.toString());
        o.put("edgesight.mqtt.embedded.port", Integer.toString(freePort()));
        o.put("camel.server.port", Integer.toString(freePort()));
        o.putAll(overrides);
        o.put("camel.management.port", o.get("camel.server.port"));
        EdgesightApp.Options options = new EdgesightApp.Options(config, routes, 0, 0, o);
        if (java.nio.file.Files.isDirectory(BenchRoutes.builtinFor(routes))) options = options.withBuiltinRoutes(BenchRoutes.builtinFor(routes));
        app = new EdgesightApp(options);
        thread = new Thread(() -> {
            try {
                app.run();
            } catch (Throwable t) {
                failure = t;
            }
        }, "edgesight-bench-app");
        thread.start();
    }

    /** Waits until the first prediction is published; a start-up failure is thrown. */
    PipelineTracker awaitFirstPrediction(long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < end) {
            if (failure != null) throw failure instanceof UserError u ? u : new IllegalStateException("the pipeline failed: " + failure, failure);
            if (!thread.isAlive()) throw new IllegalStateException("the pipeline stopped before its first prediction");
            PipelineTracker t = app.tracker();
            if (t != null && t.totalPublished() > 0) return t;
            Thread.sleep(20);
        }
        PipelineTracker t = app.tracker();
        throw new IllegalStateException("no prediction within " + timeoutMillis / 1000 + " s ("
                + (t == null ? "the application did not start" : "cameras: " + t.summary()) + ")");
    }

    PipelineTracker tracker() {
        return app.tracker();
    }

    boolean running() {
        return thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        app.stop();
        thread.join(120_000);
        deleteTree(outDir);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
