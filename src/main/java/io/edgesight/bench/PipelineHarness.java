package io.edgesight.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.tooling.ResNetGenerator;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code edgesight bench pipeline}: the performance issue's measurements in one command. (a) throughput, bare engine
 * vs pipeline, batch 1/2/4/8, sample model and ResNet-50; (b) capture -> MQTT latency at a live 25 fps source
 * against batch size and batch timeout; (c) 1/2/4/8 cameras into one batcher; (d) start-up to the first prediction
 * with a cold and a cached engine; (e) motion gating on a mostly still scene of real footage, gated vs ungated. Prints progress and markdown tables, writes pipeline.json, pipeline.md and PNGs.
 */
public final class PipelineHarness {
    public static final List<String> PARTS = List.of("throughput", "latency", "scale", "startup", "motion");

    /** {@code batches}, {@code timeouts}, {@code cameras}: null for the defaults of a full or quick run. */
    public record Options(Path config, Path routes, Path out, boolean quick, Set<String> parts, List<String> models,
                          Path resnet50, Integer threads, int[] batches, long[] timeouts, int[] cameras, boolean verbose,
                          String commandLine) {}

    private PipelineHarness() {}

    public static Map<String, Object> run(Options o, PrintStream log) throws Exception {
        try (QuietLogs q = new QuietLogs(o.verbose())) {
            return measure(o, log);
        }
    }

    private static Map<String, Object> measure(Options o, PrintStream log) throws Exception {
        Files.createDirectories(o.out());
        Path video = BenchConfig.sampleVideo(o.config());
        if (o.models().contains("resnet50") && (o.parts().contains("throughput") || o.parts().contains("startup"))
                && !Files.isRegularFile(o.resnet50().resolve("saved_model.pb"))) {
            log.println("generating the ResNet-50 benchmark model in " + o.resnet50() + " (once, ~10 s, ~100 MB)");
            ResNetGenerator.writeSavedModel(ResNetGenerator.Config.resnet50(), 42, 0, o.resnet50());
        }
        int[] batches = o.batches() != null ? o.batches() : new int[] {1, 2, 4, 8};
        List<long[]> grid = LatencyPart.grid(o.batches() != null ? o.batches() : o.quick() ? new int[] {4} : batches,
                o.timeouts() != null ? o.timeouts() : o.quick() ? new long[] {20, 200} : new long[] {10, 50, 200, 1000});
        int[] cameras = o.cameras() != null ? o.cameras() : o.quick() ? new int[] {1, 2} : new int[] {1, 2, 4, 8};
        int total = (o.parts().contains("throughput") ? ThroughputPart.steps(o.models(), batches, ThroughputPart.repeats(o.quick())) : 0)
                + (o.parts().contains("latency") ? grid.size() : 0)
                + (o.parts().contains("scale") ? cameras.length : 0)
                + (o.parts().contains("startup") ? 2 * o.models().size() : 0)
                + (o.parts().contains("motion") ? MotionPart.steps() : 0);
        HarnessContext c = new HarnessContext(o.config(), o.routes(), o.out(), o.quick(), o.threads(), o.resnet50(), video,
                log, new AtomicInteger(), total, new ArrayList<>());

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", o.commandLine());
        doc.put("quick", o.quick());
        doc.put("started", Instant.now().toString());
        doc.put("machine", ProcessProbe.machine());
        Map<String, String> load = new LinkedHashMap<>();
        load.put("start", ProcessProbe.loadAverage());
        doc.put("loadAverage", load);
        log.printf("bench pipeline: %s, %d steps, load average %s, results in %s%n", String.join(", ", o.parts()), total,
                load.get("start"), o.out().toAbsolutePath());

        List<ThroughputPart.Row> throughput = o.parts().contains("throughput") ? ThroughputPart.run(c, o.models(), batches) : List.of();
        List<LatencyPart.Row> latency = o.parts().contains("latency") ? LatencyPart.run(c, grid) : List.of();
        List<ScalePart.Row> scale = o.parts().contains("scale") ? ScalePart.run(c, cameras) : List.of();
        List<StartupPart.Row> startup = o.parts().contains("startup") ? StartupPart.run(c, o.models()) : List.of();
        MotionPart.Result motion = o.parts().contains("motion") ? MotionPart.run(c) : new MotionPart.Result(List.of(), List.of());

        load.put("end", ProcessProbe.loadAverage());
        doc.put("finished", Instant.now().toString());
        if (!throughput.isEmpty()) doc.put("throughput", throughput);
        if (!latency.isEmpty()) doc.put("latency", latency);
        if (!scale.isEmpty()) doc.put("scale", scale);
        if (!startup.isEmpty()) doc.put("startup", startup);
        if (!motion.isEmpty()) doc.put("motion", motion);
        if (!c.failures().isEmpty()) doc.put("failures", c.failures());
        List<String> plots = plots(o.out(), throughput, latency, scale);
        doc.put("plots", plots);

        StringBuilder md = new StringBuilder();
        md.append("Load average (1/5/15 min) at start ").append(load.get("start")).append(", at end ").append(load.get("end"))
                .append("; ").append(ProcessProbe.machine().get("cores")).append(" cores, ").append(ProcessProbe.machine().get("cpu"))
                .append(o.quick() ? "; --quick run (short, noisy)" : "").append(".\n\n");
        if (!throughput.isEmpty()) md.append("Throughput, bare engine vs pipeline:\n\n").append(ThroughputPart.table(throughput)).append('\n');
        if (!latency.isEmpty()) md.append("Capture → MQTT latency at a live 25 fps source (sample model):\n\n").append(LatencyPart.table(latency)).append('\n');
        if (!scale.isEmpty()) md.append("Cameras into one batcher (sample model, full speed):\n\n").append(ScalePart.table(scale)).append('\n');
        if (!startup.isEmpty()) md.append("Start-up, new process to first prediction:\n\n").append(StartupPart.table(startup)).append('\n');
        if (!motion.isEmpty()) {
            md.append("Motion gating, a still scene with a moving part, real time at 10 fps (sample model):\n\n")
                    .append(MotionPart.table(motion.runs())).append('\n');
            md.append("Motion detectors on the same scene's frames:\n\n").append(MotionDetectors.table(motion.detectors())).append('\n');
        }
        Files.writeString(o.out().resolve("pipeline.md"), md.toString());
        Path json = o.out().resolve("pipeline.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        log.println();
        log.print(md);
        c.failures().forEach(f -> log.println("FAILED step: " + f));
        log.println("wrote " + json + ", " + o.out().resolve("pipeline.md") + (plots.isEmpty() ? "" : ", " + String.join(", ", plots)));
        return doc;
    }

    private static List<String> plots(Path out, List<ThroughputPart.Row> throughput, List<LatencyPart.Row> latency,
                                      List<ScalePart.Row> scale) throws Exception {
        List<String> files = new ArrayList<>();
        if (!throughput.isEmpty()) {
            List<Charts.Line> lines = new ArrayList<>();
            for (String m : throughput.stream().map(ThroughputPart.Row::model).distinct().toList()) {
                Map<Integer, Double> e = new TreeMap<>();
                Map<Integer, Double> p = new TreeMap<>();
                for (ThroughputPart.Row r : throughput) {
                    if (!r.model().equals(m)) continue;
                    e.put(r.batch(), r.engineImagesPerSecond());
                    p.put(r.batch(), r.pipelineFramesPerSecond());
                }
                lines.add(new Charts.Line(m + ": bare engine (img/s)", Charts.points(e), true));
                lines.add(new Charts.Line(m + ": pipeline (fr/s)", Charts.points(p)));
            }
            files.add(Charts.write(out.resolve("throughput-vs-batch.png"), "Throughput vs batch size", "batch size",
                    "images or frames per second (log)", lines, false, true).toString());
        }
        if (!latency.isEmpty()) {
            List<Charts.Line> lines = new ArrayList<>();
            for (int b : latency.stream().mapToInt(LatencyPart.Row::batch).filter(b -> b > 1).distinct().toArray()) {
                Map<Long, Double> p50 = new TreeMap<>();
                Map<Long, Double> p99 = new TreeMap<>();
                for (LatencyPart.Row r : latency) {
                    if (r.batch() != b) continue;
                    p50.put(r.timeoutMs(), r.p50Ms());
                    p99.put(r.timeoutMs(), r.p99Ms());
                }
                lines.add(new Charts.Line("batch " + b + " p50", Charts.points(p50)));
                lines.add(new Charts.Line("batch " + b + " p99", Charts.points(p99), true));
            }
            files.add(Charts.write(out.resolve("latency-vs-timeout.png"), "Capture → MQTT latency at 25 fps vs batch timeout",
                    "batch timeout (ms, log)", "latency (ms)", lines, true, false).toString());
            if (!throughput.isEmpty()) {
                // the trade-off: what a batch size can sustain (full speed) against what it costs a live camera
                Map<Integer, Double> capacity = new TreeMap<>();
                for (ThroughputPart.Row r : throughput) if (r.model().equals("sample")) capacity.put(r.batch(), r.pipelineFramesPerSecond());
                List<Charts.Line> trade = new ArrayList<>();
                for (long t : latency.stream().filter(r -> r.batch() > 1).mapToLong(LatencyPart.Row::timeoutMs).distinct().sorted().toArray()) {
                    List<double[]> pts = new ArrayList<>();
                    for (LatencyPart.Row r : latency) {
                        if ((r.timeoutMs() == t || r.batch() == 1) && capacity.containsKey(r.batch())) {
                            pts.add(new double[] {r.p50Ms(), capacity.get(r.batch())});
                        }
                    }
                    pts.sort((a, b2) -> Double.compare(a[1], b2[1]));
                    if (!pts.isEmpty()) trade.add(new Charts.Line("timeout " + t + " ms (points: batch 1, 2, 4, 8)", pts));
                }
                if (!trade.isEmpty()) {
                    files.add(Charts.write(out.resolve("throughput-vs-latency.png"),
                            "Trade-off: full-speed throughput vs latency at 25 fps (sample model)",
                            "p50 capture → MQTT latency at 25 fps (ms)", "pipeline fr/s at full speed", trade, false, false).toString());
                }
            }
        }
        if (!scale.isEmpty()) {
            Map<Integer, Double> total = new TreeMap<>();
            Map<Integer, Double> min = new TreeMap<>();
            Map<Integer, Double> max = new TreeMap<>();
            for (ScalePart.Row r : scale) {
                total.put(r.cameras(), r.totalFramesPerSecond());
                min.put(r.cameras(), r.minFramesPerSecond());
                max.put(r.cameras(), r.maxFramesPerSecond());
            }
            files.add(Charts.write(out.resolve("throughput-vs-cameras.png"), "Cameras into one batcher (full speed)",
                    "cameras", "frames per second", List.of(new Charts.Line("total", Charts.points(total)),
                            new Charts.Line("fastest camera", Charts.points(max), true),
                            new Charts.Line("slowest camera", Charts.points(min), true)), false, false).toString());
        }
        return files;
    }
}
