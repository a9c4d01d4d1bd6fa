package io.edgesight.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.app.EdgesightApp;

/**
 * Part (e): motion gating on a scene that is still for most of its length ({@link MotionScene}: a real photograph,
 * a segment of vtest.avi, the photograph again), played in real time (10 fps, as a camera delivers it) through the
 * whole pipeline with the sample model, ungated (motion=off) and gated (motion=on, the camera defaults: keep-alive
 * 10 s). Reported: the share of still frames inferred; during the moving part, the share of the ungated run's
 * per-frame predictions (top-1 label) that the gated run reproduced (recall); whole-process CPU seconds of each run.
 */
final class MotionPart {
    record Row(String mode, int frames, int stillFrames, int movingFrames, long inferred, long inferredStill, long inferredMoving,
               long skippedNoMotion, double stillInferredShare, double movingRecall, double wallSeconds, double cpuSeconds,
               double cpuMsPerFrame) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private MotionPart() {}

    /** The gated and ungated runs, and the detector choice measured on the same scene. */
    record Result(List<Row> runs, List<MotionDetectors.Row> detectors) {
        boolean isEmpty() { return runs.isEmpty() && detectors.isEmpty(); }
    }

    static int steps() { return 5; }

    static MotionScene.Layout layout(boolean quick) {
        return quick ? new MotionScene.Layout(150, 100, 100) : new MotionScene.Layout(600, 300, 300);
    }

    static Result run(HarnessContext c) throws Exception {
        MotionScene.Layout layout = layout(c.quick());
        Path scene = c.out().resolve("generated/motion-scene.mp4");
        c.step(String.format("motion: building the scene (%d s still photograph, %d s of vtest.avi, %d s still) in %s",
                layout.stillBefore() / MotionScene.FPS, layout.moving() / MotionScene.FPS, layout.stillAfter() / MotionScene.FPS, scene));
        MotionScene.write(scene, layout);
        c.step("motion: the detector choice, frame differencing vs MOG2, on the scene's frames");
        List<MotionDetectors.Row> detectors = MotionDetectors.run(scene, layout);
        for (MotionDetectors.Row d : detectors) {
            c.log().printf("    -> %s: %.3f ms/frame, motion on %d of %d still and %d of %d moving frames%n", d.detector(), d.msPerFrame(),
                    d.stillFlagged(), d.stillFrames(), d.movingFlagged(), d.movingFrames());
        }
        // both paths compiled and the engine cache warm before anything is counted: the first run would pay for it
        c.step("motion: warm-up, motion=on, the scene at full speed (not counted)");
        runOnce(c, scene, "on", layout, "fast");
        List<Row> rows = new ArrayList<>();
        Map<Long, String> ungated = null;
        for (String mode : List.of("off", "on")) {
            c.step(String.format("motion: motion=%s, %d frames in real time (%d s)", mode, layout.total(), layout.total() / MotionScene.FPS));
            try {
                Run r = runOnce(c, scene, mode, layout, "realtime");
                if (mode.equals("off")) ungated = r.labels;
                rows.add(row(mode, layout, r, ungated));
                Row last = rows.get(rows.size() - 1);
                c.log().printf("    -> inferred %d of %d frames (still: %.1f %%), skipped_no_motion %d, moving-part recall %.3f, CPU %.1f s in %.1f s%n",
                        last.inferred(), last.frames(), 100 * last.stillInferredShare(), last.skippedNoMotion(), last.movingRecall(),
                        last.cpuSeconds(), last.wallSeconds());
            } catch (Exception e) {
                c.failed("motion " + mode, e);
            }
        }
        return new Result(rows, detectors);
    }

    private record Run(Map<Long, String> labels, long skipped, double wallSeconds, double cpuSeconds) {}

    private static Run runOnce(HarnessContext c, Path scene, String mode, MotionScene.Layout layout, String pacing) throws Exception {
        Path outDir = Files.createTempDirectory("edgesight-bench-motion");
        Map<String, String> o = new LinkedHashMap<>(c.modelKeys("sample"));
        o.put("edgesight.cameras.sample.url", scene.toString());
        o.put("edgesight.cameras.sample.loop", "false");
        o.put("edgesight.cameras.sample.pacing", pacing);
        o.put("edgesight.cameras.sample.motion", mode);
        o.put("edgesight.sample.video", "");
        o.put("edgesight.output.dir", outDir.toString());
        o.put("edgesight.mqtt.embedded.port", Integer.toString(freePort()));
        o.put("camel.server.port", Integer.toString(freePort()));
        o.put("camel.management.port", o.get("camel.server.port"));
        EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(c.config(), c.routes(), 0, layout.total() / MotionScene.FPS + 120, o));
        long cpu0 = ProcessProbe.cpuNanos();
        long t0 = System.nanoTime();
        int exit = app.run();
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (ProcessProbe.cpuNanos() - cpu0) / 1e9;
        if (exit != 0) throw new IllegalStateException("the pipeline exited with " + exit);
        Map<Long, String> labels = new HashMap<>();
        for (String line : Files.readAllLines(outDir.resolve("sample.jsonl"))) {
            JsonNode p = JSON.readTree(line);
            JsonNode top = p.get("predictions").get(0);
            labels.put(p.get("seq").asLong(), top == null ? "" : top.get("label").asText());
        }
        long skipped = app.tracker().skippedNoMotion("sample");
        RunningApp.deleteTree(outDir);
        return new Run(labels, skipped, wall, cpu);
    }

    private static Row row(String mode, MotionScene.Layout layout, Run r, Map<Long, String> ungated) {
        int still = layout.stillBefore() + layout.stillAfter();
        long inferredStill = r.labels.keySet().stream().filter(s -> !layout.moving(s)).count();
        long inferredMoving = r.labels.size() - inferredStill;
        long agree = 0;
        long reference = 0;
        if (ungated != null) {
            for (var e : ungated.entrySet()) {
                if (!layout.moving(e.getKey())) continue;
                reference++;
                if (e.getValue().equals(r.labels.get(e.getKey()))) agree++;
            }
        }
        return new Row(mode, layout.total(), still, layout.moving(), r.labels.size(), inferredStill, inferredMoving, r.skipped,
                HarnessContext.round((double) inferredStill / still, 4), reference == 0 ? 0 : HarnessContext.round((double) agree / reference, 4),
                HarnessContext.round(r.wallSeconds, 1), HarnessContext.round(r.cpuSeconds, 2),
                HarnessContext.round(r.cpuSeconds * 1000 / layout.total(), 2));
    }

    static Table table(List<Row> rows) {
        Table t = new Table("motion", "frames (still + moving)", "inferred", "still frames inferred", "moving-part recall vs ungated",
                "skipped_no_motion", "process CPU s", "CPU ms / frame", "CPU vs ungated");
        double base = rows.stream().filter(r -> r.mode().equals("off")).mapToDouble(Row::cpuSeconds).findFirst().orElse(0);
        for (Row r : rows) {
            t.row(r.mode(), r.frames() + " (" + r.stillFrames() + " + " + r.movingFrames() + ")", r.inferred(),
                    r.inferredStill() + " (" + ThroughputPart.fmt(100 * r.stillInferredShare(), 1) + " %)",
                    ThroughputPart.fmt(r.movingRecall(), 3), r.skippedNoMotion(), ThroughputPart.fmt(r.cpuSeconds(), 1),
                    ThroughputPart.fmt(r.cpuMsPerFrame(), 2), base > 0 ? ThroughputPart.fmt(r.cpuSeconds() / base, 2) : "");
        }
        return t;
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
