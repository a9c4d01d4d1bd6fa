package io.edgesight.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A copy of the routes directory for one bench run: extra cameras looping the same file at full speed into the
 * same batcher (written as a user would write them), and for the leak demonstration a copy of the jar's routes with
 * the bench-only {@link LeakyTensors} step after the engine. Neither the repository's nor the jar's routes are edited.
 */
final class BenchRoutes {
    private static final Pattern INFER = Pattern.compile("(?m)^(\\s*)- to: \"infer:\\{\\{model}}\"\\s*$");

    private BenchRoutes() {}

    /** Camera ids of a run with {@code n} cameras: the configured "sample" camera, then cam2..camN. */
    static List<String> cameraIds(int n) {
        List<String> ids = new ArrayList<>();
        ids.add("sample");
        for (int i = 2; i <= n; i++) ids.add("cam" + i);
        return ids;
    }

    /** The copy of the jar's own routes a run with {@code routes} uses, when there is one (the leak demonstration). */
    static Path builtinFor(Path routes) {
        return routes.resolveSibling(routes.getFileName() + "-builtin");
    }

    static Path write(Path dir, Path routes, int cameras, Path video, boolean leak) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(routes)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).toList()) Files.copy(p, dir.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (leak) {
            Path builtin = Files.createDirectories(builtinFor(dir));
            for (String f : List.of("pipeline.yaml", "outputs.yaml", "api.yaml")) {
                try (var in = BenchRoutes.class.getResourceAsStream("/edgesight/routes/" + f)) {
                    String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    Files.writeString(builtin.resolve(f), f.equals("pipeline.yaml") ? withLeak(text) : text);
                }
            }
        }
        StringBuilder extra = new StringBuilder();
        for (String id : cameraIds(cameras)) {
            if (!id.equals("sample")) extra.append(cameraRoute(id, video.toAbsolutePath().toString()));
        }
        if (leak) {
            extra.append("- beans:\n    - name: leakyTensors\n      type: ").append(LeakyTensors.class.getName()).append('\n');
        }
        if (!extra.isEmpty()) Files.writeString(dir.resolve("bench-extra.yaml"), extra.toString());
        return dir;
    }

    /** The pipeline with the leaking step right after infer:sample, at the same indentation. */
    static String withLeak(String pipeline) {
        Matcher m = INFER.matcher(pipeline);
        if (!m.find()) throw new IllegalStateException("the jar's pipeline.yaml has no '- to: \"infer:{{model}}\"' step to put the leak after");
        String indent = m.group(1);
        String step = "\n" + indent + "- bean:\n" + indent + "    ref: leakyTensors\n" + indent + "    method: \"leak(*, '{{model}}')\"";
        return pipeline.substring(0, m.end()) + step + pipeline.substring(m.end());
    }

    /** A looping, full-speed file camera into the sample model's batcher, written as a route of a user's own. */
    static String cameraRoute(String id, String file) {
        return "- route:\n    id: camera-" + id + "\n"
                + "    from:\n      uri: camera:" + id + "\n      parameters:\n"
                + "        url: \"RAW(" + file.replace("\"", "\\\"") + ")\"\n"
                + "        loop: \"true\"\n        pacing: \"fast\"\n"
                + "      steps:\n        - bean:\n            ref: frames\n            method: keep\n"
                + "        - to: preprocess:sample\n        - to: direct:batch-sample\n";
    }
}
