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
 * same batcher (written as a user would write them), and for the leak demonstration the bench-only
 * {@link LeakyTensors} step after the engine. The repository's routes are never edited.
 */
final class BenchRoutes {
    private static final Pattern INFER = Pattern.compile("(?m)^(\\s*)- to: infer:sample\\s*$");

    private BenchRoutes() {}

    /** Camera ids of a run with {@code n} cameras: the configured "sample" camera, then cam2..camN. */
    static List<String> cameraIds(int n) {
        List<String> ids = new ArrayList<>();
        ids.add("sample");
        for (int i = 2; i <= n; i++) ids.add("cam" + i);
        return ids;
    }

    static Path write(Path dir, Path routes, int cameras, Path video, boolean leak) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(routes)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                String text = Files.readString(p);
                if (leak && p.getFileName().toString().equals("pipeline.yaml")) text = withLeak(text);
                Files.writeString(dir.resolve(p.getFileName()), text);
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
        if (!m.find()) throw new IllegalStateException("routes/pipeline.yaml has no '- to: infer:sample' step to put the leak after");
        String indent = m.group(1);
        String step = "\n" + indent + "- bean:\n" + indent + "    ref: leakyTensors\n" + indent + "    method: \"leak(*, 'sample')\"";
        return pipeline.substring(0, m.end()) + step + pipeline.substring(m.end());
    }

    /** A looping, full-speed file camera into the sample model's batcher, like routes/pipeline.yaml's camera-sample. */
    static String cameraRoute(String id, String file) {
        return "- route:\n    id: camera-" + id + "\n    group: cameras\n    autoStartup: false\n"
                + "    from:\n      uri: camera:" + id + "\n      parameters:\n"
                + "        url: \"RAW(" + file.replace("\"", "\\\"") + ")\"\n"
                + "        loop: \"true\"\n        pacing: \"fast\"\n"
                + "      steps:\n        - bean:\n            ref: frames\n            method: keep\n"
                + "        - to: preprocess:sample\n        - to: direct:batch-sample\n";
    }
}
