package io.edgesight.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.edgesight.stats.PipelineTracker;

/**
 * {@code edgesight bench soak}: the pipeline at full speed, looping, for minutes; every few seconds RSS, Java heap
 * after a full GC, live threads, open file descriptors, child processes and frames/s. After the warm-up (the first
 * 20 % of the samples) RSS and heap must be flat within ±5 % and the counts must not step up. {@code leak}: the
 * same run with {@link LeakyTensors} after the engine, which the same measurement must report as GROWING.
 */
public final class Soak {
    public static final double WARMUP = 0.2;
    public static final double TOLERANCE = 0.05;

    public record Options(Path config, Path routes, Path out, double minutes, int cameras, boolean leak,
                          double intervalSeconds, Integer batch, boolean verbose) {}

    public record Sample(double seconds, long rssBytes, long heapBytes, int threads, long fds, long children,
                         long published, double framesPerSecond) {}

    /** What the run concluded: the verdict lines and whether anything grew. */
    public record Verdict(boolean growing, List<String> lines) {}

    private Soak() {}

    public static Map<String, Object> run(Options o, PrintStream log) throws Exception {
        try (QuietLogs q = new QuietLogs(o.verbose())) {
            return measure(o, log);
        }
    }

    private static Map<String, Object> measure(Options o, PrintStream log) throws Exception {
        Files.createDirectories(o.out());
        Path video = BenchConfig.sampleVideo(o.config());
        String name = o.leak() ? "soak-leak" : "soak";
        Path dir = Files.createTempDirectory("edgesight-bench-routes");
        List<Sample> samples = new ArrayList<>();
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, String> load = new LinkedHashMap<>();
        load.put("start", ProcessProbe.loadAverage());
        doc.put("started", Instant.now().toString());
        doc.put("machine", ProcessProbe.machine());
        doc.put("minutes", o.minutes());
        doc.put("cameras", o.cameras());
        doc.put("leak", o.leak() ? "tensors" : "none");
        doc.put("loadAverage", load);
        long leaked = 0;
        int leakedTensors = 0;
        Sample before = probe(0, 0, 0, 0);
        try {
            Path routes = BenchRoutes.write(dir, o.routes(), o.cameras(), video, o.leak());
            Map<String, String> ov = new LinkedHashMap<>();
            ov.put("edgesight.cameras.sample.loop", "true");
            ov.put("edgesight.cameras.sample.pacing", "fast");
            ov.put("edgesight.engine.dir", o.out().resolve("engines").toString());
            if (o.batch() != null) ov.put("edgesight.models.sample.batch-size", o.batch().toString());
            log.printf("bench %s: %d camera(s) looping %s at full speed for %.1f min, a sample every %.0f s%s; load average %s%n",
                    name, o.cameras(), video, o.minutes(), o.intervalSeconds(),
                    o.leak() ? ", LEAKING one input-row tensor per batch (bench-only step)" : "", load.get("start"));
            long durationNanos = (long) (o.minutes() * 60e9);
            long intervalNanos = (long) (o.intervalSeconds() * 1e9);
            try (RunningApp app = new RunningApp(o.config(), routes, ov)) {
                PipelineTracker t = app.awaitFirstPrediction(180_000);
                long t0 = System.nanoTime();
                long lastPublished = t.totalPublished();
                long lastNanos = t0;
                samples.add(probe(0, t.totalPublished(), 0, 0));
                long next = t0 + intervalNanos;
                while (next - t0 <= durationNanos) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    if (!app.running()) throw new IllegalStateException("the pipeline stopped during the soak");
                    long now = System.nanoTime();
                    long pub = t.totalPublished();
                    Sample s = probe((now - t0) / 1e9, pub, pub - lastPublished, (now - lastNanos) / 1e9);
                    samples.add(s);
                    lastPublished = pub;
                    lastNanos = now;
                    log.printf(Locale.ROOT, "  [%s / %s] RSS %.0f MB, heap %.1f MB, threads %d, fds %d, children %d, %.0f fr/s%s%n",
                            clock(s.seconds()), clock(durationNanos / 1e9), s.rssBytes() / 1e6, s.heapBytes() / 1e6, s.threads(),
                            s.fds(), s.children(), s.framesPerSecond(),
                            o.leak() ? String.format(Locale.ROOT, ", leaked %.0f MB", LeakyTensors.leakedBytes() / 1e6) : "");
                    log.flush();
                    next += intervalNanos;
                }
                leaked = LeakyTensors.leakedBytes();
                leakedTensors = LeakyTensors.leakedTensors();
            }
        } finally {
            LeakyTensors.release();
            RunningApp.deleteTree(dir);
        }
        Sample after = probe(0, 0, 0, 0);
        load.put("end", ProcessProbe.loadAverage());
        doc.put("finished", Instant.now().toString());
        Verdict v = verdict(samples);
        doc.put("verdict", v.growing() ? "GROWING" : "flat");
        doc.put("verdictLines", v.lines());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("beforeStart", counts(before));
        counts.put("firstSample", counts(samples.get(0)));
        counts.put("afterWarmup", counts(samples.get(Math.min(samples.size() - 1, (int) Math.floor(samples.size() * WARMUP)))));
        counts.put("lastSample", counts(samples.get(samples.size() - 1)));
        counts.put("afterStop", counts(after));
        doc.put("counts", counts);
        if (o.leak()) {
            doc.put("leakedBytes", leaked);
            doc.put("leakedTensors", leakedTensors);
        }
        double fps = samples.stream().skip(1).mapToDouble(Sample::framesPerSecond).average().orElse(0);
        doc.put("meanFramesPerSecond", Math.round(fps * 10) / 10.0);
        doc.put("samples", samples);
        Path png = o.out().resolve(name + "-rss.png");
        List<double[]> rss = new ArrayList<>();
        List<double[]> rssMedian = new ArrayList<>();
        List<double[]> heap = new ArrayList<>();
        int perMinute = Math.max(1, (int) Math.round(60 / o.intervalSeconds()));
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            rss.add(new double[] {s.seconds() / 60, s.rssBytes() / 1e6});
            heap.add(new double[] {s.seconds() / 60, s.heapBytes() / 1e6});
            double[] last = samples.subList(Math.max(0, i - perMinute + 1), i + 1).stream().mapToDouble(Sample::rssBytes).sorted().toArray();
            rssMedian.add(new double[] {s.seconds() / 60, last[last.length / 2] / 1e6});
        }
        Charts.write(png, String.format(Locale.ROOT, "Soak: %d camera(s) at full speed%s — %s", o.cameras(),
                        o.leak() ? ", leaking tensors" : "", v.growing() ? "GROWING" : "flat"),
                "minutes", "MB", List.of(new Charts.Line("RSS", rss),
                        new Charts.Line("RSS, median of the last minute", rssMedian, true), new Charts.Line("Java heap after GC", heap)), false, false);
        doc.put("plot", png.toString());
        Path json = o.out().resolve(name + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);

        log.println();
        log.printf(Locale.ROOT, "%d samples over %.1f min, %.0f fr/s on average; load average %s at start, %s at end%n",
                samples.size(), samples.get(samples.size() - 1).seconds() / 60, fps, load.get("start"), load.get("end"));
        Table t = new Table("", "before start", "first sample", "after warm-up", "end of run", "after stop");
        for (String k : List.of("rssMB", "heapMB", "threads", "fds", "children")) {
            t.row(k, cell(counts, "beforeStart", k), cell(counts, "firstSample", k), cell(counts, "afterWarmup", k),
                    cell(counts, "lastSample", k), cell(counts, "afterStop", k));
        }
        log.print(t);
        if (o.leak()) log.printf(Locale.ROOT, "leaked on purpose: %d tensors, %.0f MB%n", leakedTensors, leaked / 1e6);
        v.lines().forEach(log::println);
        log.println("wrote " + json + ", " + png);
        return doc;
    }

    /** RSS and heap flat (±5 % after warm-up, no growing trend), threads, descriptors and children not stepping up. */
    public static Verdict verdict(List<Sample> samples) {
        double[] t = samples.stream().mapToDouble(Sample::seconds).toArray();
        Drift rss = Drift.of("RSS", t, samples.stream().mapToDouble(Sample::rssBytes).toArray(), WARMUP, TOLERANCE);
        Drift heap = Drift.of("heap", t, samples.stream().mapToDouble(Sample::heapBytes).toArray(), WARMUP, TOLERANCE);
        List<String> lines = new ArrayList<>();
        lines.add("memory: " + rss.verdict());
        lines.add("memory: " + heap.verdict());
        boolean growing = rss.growing() || heap.growing();
        Map<String, long[]> counts = new LinkedHashMap<>();
        counts.put("threads", samples.stream().mapToLong(Sample::threads).toArray());
        counts.put("fds", samples.stream().mapToLong(Sample::fds).toArray());
        counts.put("children", samples.stream().mapToLong(Sample::children).toArray());
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long[] v = e.getValue();
            boolean up = Drift.countGrows(v, WARMUP);
            growing |= up;
            lines.add(String.format(Locale.ROOT, "%s: %s (%d at the first sample, %d at the last)", e.getKey(),
                    up ? "GROWING" : "stable", v[0], v[v.length - 1]));
        }
        lines.add(growing ? "VERDICT: GROWING" : "VERDICT: flat within ±5 %, no thread, descriptor or child-process growth");
        return new Verdict(growing, lines);
    }

    private static Sample probe(double seconds, long published, long delta, double dt) {
        long heap = ProcessProbe.heapAfterGc(); // first: the collection may release native memory too
        return new Sample(Math.round(seconds * 10) / 10.0, ProcessProbe.rssBytes(), heap, ProcessProbe.threads(),
                ProcessProbe.openFds(), ProcessProbe.childProcesses(), published, dt > 0 ? Math.round(delta / dt * 10) / 10.0 : 0);
    }

    private static Map<String, Object> counts(Sample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rssMB", Math.round(s.rssBytes() / 1e5) / 10.0);
        m.put("heapMB", Math.round(s.heapBytes() / 1e5) / 10.0);
        m.put("threads", s.threads());
        m.put("fds", s.fds());
        m.put("children", s.children());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Object cell(Map<String, Object> counts, String when, String key) {
        return ((Map<String, Object>) counts.get(when)).get(key);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
