package io.edgesight.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgesight.stats.PipelineTracker;

/**
 * Part (c): 1..N cameras, each looping the sample video at full speed, into the one batcher of the sample model.
 * Over a window after a warm-up: total predictions per second, each camera's share (min/max share and Jain's
 * fairness index, 1 = perfectly even) and the process's CPU use (CPU time / wall time, 100 % = one core).
 */
final class ScalePart {
    record Row(int cameras, int batch, double windowSeconds, double totalFramesPerSecond, Map<String, Double> perCamera,
               double minFramesPerSecond, double maxFramesPerSecond, double minMaxShare, double jainIndex, double cpuPercent,
               double cpuPercentOfMachine) {}

    private ScalePart() {}

    static List<Row> run(HarnessContext c, int[] cameraCounts) throws Exception {
        List<Row> rows = new ArrayList<>();
        // the first seconds of a run are slow (JIT of the new routes, decoders opening): measured after them
        long warmMs = c.quick() ? 2000 : 5000;
        long windowMs = c.quick() ? 3000 : 15_000;
        for (int n : cameraCounts) {
            c.step(String.format("scale: %d camera(s) at full speed into one batcher, %.0f s warm-up + %.0f s measured",
                    n, warmMs / 1000.0, windowMs / 1000.0));
            Path dir = Files.createTempDirectory("edgesight-bench-routes");
            try {
                rows.add(one(c, n, dir, warmMs, windowMs));
            } catch (Exception e) {
                c.failed("scale " + n + " camera(s)", e);
            } finally {
                RunningApp.deleteTree(dir);
            }
        }
        return rows;
    }

    private static Row one(HarnessContext c, int n, Path dir, long warmMs, long windowMs) throws Exception {
        {
            {
                Path routes = BenchRoutes.write(dir, c.routes(), n, c.video(), false);
                Map<String, String> o = c.modelKeys("sample");
                o.put("edgesight.cameras.sample.loop", "true");
                o.put("edgesight.cameras.sample.pacing", "fast");
                int batch;
                List<String> ids = BenchRoutes.cameraIds(n);
                long[] before;
                long[] after;
                long cpu0;
                long cpu1;
                long t0;
                long t1;
                try (RunningApp app = new RunningApp(c.config(), routes, o)) {
                    PipelineTracker t = app.awaitFirstPrediction(90_000);
                    Thread.sleep(warmMs);
                    before = published(t, ids);
                    cpu0 = ProcessProbe.cpuNanos();
                    t0 = System.nanoTime();
                    Thread.sleep(windowMs);
                    after = published(t, ids);
                    cpu1 = ProcessProbe.cpuNanos();
                    t1 = System.nanoTime();
                    batch = Integer.parseInt(BenchConfig.load(c.config(), o).get("edgesight.models.sample.batch-size"));
                }
                double seconds = (t1 - t0) / 1e9;
                Map<String, Double> per = new LinkedHashMap<>();
                double sum = 0;
                double sq = 0;
                double min = Double.MAX_VALUE;
                double max = 0;
                for (int i = 0; i < ids.size(); i++) {
                    double fps = (after[i] - before[i]) / seconds;
                    per.put(ids.get(i), HarnessContext.round(fps, 1));
                    sum += fps;
                    sq += fps * fps;
                    min = Math.min(min, fps);
                    max = Math.max(max, fps);
                }
                double jain = sq == 0 ? 0 : sum * sum / (ids.size() * sq);
                double cpu = 100.0 * (cpu1 - cpu0) / (t1 - t0);
                Row r = new Row(n, batch, HarnessContext.round(seconds, 2), HarnessContext.round(sum, 1), per,
                        HarnessContext.round(min, 1), HarnessContext.round(max, 1), HarnessContext.round(max == 0 ? 0 : min / max, 3),
                        HarnessContext.round(jain, 4), HarnessContext.round(cpu, 0),
                        HarnessContext.round(cpu / Runtime.getRuntime().availableProcessors(), 0));
                c.log().printf("    -> %.1f fr/s in total, per camera %.1f..%.1f, Jain %.3f, CPU %.0f %% of one core%n",
                        r.totalFramesPerSecond(), r.minFramesPerSecond(), r.maxFramesPerSecond(), r.jainIndex(), r.cpuPercent());
                return r;
            }
        }
    }

    private static long[] published(PipelineTracker t, List<String> ids) {
        long[] v = new long[ids.size()];
        for (int i = 0; i < v.length; i++) v[i] = t.published(ids.get(i));
        return v;
    }

    static Table table(List<Row> rows) {
        Table t = new Table("cameras", "batch", "total fr/s", "per camera fr/s (min–max)", "min/max share", "Jain index",
                "CPU % (1 core = 100)");
        for (Row r : rows) {
            t.row(r.cameras(), r.batch(), ThroughputPart.fmt(r.totalFramesPerSecond(), 1),
                    ThroughputPart.fmt(r.minFramesPerSecond(), 1) + "–" + ThroughputPart.fmt(r.maxFramesPerSecond(), 1),
                    ThroughputPart.fmt(r.minMaxShare(), 2), ThroughputPart.fmt(r.jainIndex(), 3),
                    ThroughputPart.fmt(r.cpuPercent(), 0));
        }
        return t;
    }
}
