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
 * configured routes, counted from the first frame read to the last prediction published.
 */
public final class PipelineBench {

    public record Result(String model, int batch, long frames, double seconds, double framesPerSecond) {}

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
        app.run();
        long published = app.tracker().totalPublished();
        double seconds = app.tracker().activeSeconds();
        Result r = new Result(model, batch, published, seconds, published / seconds);
        out.printf("  pipeline: %d frames in %.2f s = %.1f frames/s%n", published, seconds, r.framesPerSecond());
        return r;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
