package io.edgesight.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.edgesight.app.EdgesightApp;

/**
 * The real application in-process (as EndToEndTest runs it) on its own thread, with the repository's routes plus
 * camera routes of the test's own, and free ports.
 */
public final class AppRunner implements AutoCloseable {
    public final int httpPort = Ports.free();
    private final EdgesightApp app;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile Integer exitCode;

    /** The jar's own routes, as in src/main/resources (the pipeline templates, outputs, API). */
    public static final Path BUILTIN = Path.of("src/main/resources/edgesight/routes");

    /**
     * A routes directory {@code dir} with {@code cameras} as cameras.yaml; when {@code pipelineEdit} changes the jar's
     * pipeline.yaml, the edited copy of the jar's routes is written to {@code dir}-builtin, which the AppRunner then
     * uses instead of the jar's.
     */
    public static Path routes(Path dir, String cameras, UnaryOperator<String> pipelineEdit) throws Exception {
        Files.createDirectories(dir);
        String pipeline = Files.readString(BUILTIN.resolve("pipeline.yaml"));
        String edited = pipelineEdit.apply(pipeline);
        if (!edited.equals(pipeline)) {
            Path builtin = Files.createDirectories(builtinOf(dir));
            try (Stream<Path> s = Files.list(BUILTIN)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).toList()) Files.copy(p, builtin.resolve(p.getFileName()));
            }
            Files.writeString(builtin.resolve("pipeline.yaml"), edited);
        }
        if (cameras != null) Files.writeString(dir.resolve("cameras.yaml"), cameras);
        return dir;
    }

    static Path builtinOf(Path routes) {
        return routes.resolveSibling(routes.getFileName() + "-builtin");
    }

    /** A camera route in YAML, as a user writes one. */
    public static String cameraRoute(String id, String url, Map<String, String> parameters) {
        StringBuilder sb = new StringBuilder();
        sb.append("- route:\n    id: camera-").append(id).append("\n")
                .append("    from:\n      uri: camera:").append(id).append("\n      parameters:\n")
                .append("        url: \"").append(url.replace("\"", "\\\"")).append("\"\n");
        parameters.forEach((k, v) -> sb.append("        ").append(k).append(": \"").append(v).append("\"\n"));
        sb.append("      steps:\n        - to: preprocess:sample\n        - to: direct:batch-sample\n");
        return sb.toString();
    }

    public AppRunner(Path routes, Path out, Map<String, String> extra) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.sample.video", "");
        o.put("edgesight.output.dir", out.toString());
        o.put("camel.server.port", Integer.toString(httpPort));
        o.put("camel.management.port", Integer.toString(httpPort));
        o.putAll(extra);
        EdgesightApp.Options options = new EdgesightApp.Options(Path.of("config/application.properties"), routes, 0, 300, o);
        if (Files.isDirectory(builtinOf(routes))) options = options.withBuiltinRoutes(builtinOf(routes));
        app = new EdgesightApp(options);
        thread = new Thread(() -> {
            try {
                exitCode = app.run();
            } catch (Throwable t) {
                failure = t;
            }
        }, "edgesight-app");
        thread.start();
    }

    public EdgesightApp app() { return app; }
    public boolean running() { return thread.isAlive(); }
    public Throwable failure() { return failure; }
    public Integer exitCode() { return exitCode; }

    public HttpResponse<String> get(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        app.stop();
        thread.join(60_000);
    }
}
