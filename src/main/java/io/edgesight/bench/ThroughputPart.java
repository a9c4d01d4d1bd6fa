package io.edgesight.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.edgesight.engine.EngineCache;
import io.edgesight.engine.ModelSpec;

/**
 * Part (a): the bare engine against the full pipeline (file source at full speed -> resize -> batch -> infer ->
 * decode -> MQTT, JSON lines), batch size by batch size, same model, batch, threads and engine (both load it from
 * the same engine cache, so both run the same session configuration).
 */
final class ThroughputPart {
    record Row(String model, int batch, int threads, int engineRuns, double engineImagesPerSecond, double engineP50Ms,
               double engineP99Ms, long pipelineFrames, double pipelineSeconds, double pipelineFramesPerSecond, double ratio) {}

    private ThroughputPart() {}

    static int steps(List<String> models, int[] batches) {
        return models.size() * batches.length * 2;
    }

    static List<Row> run(HarnessContext c, List<String> models, int[] batches) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String name : models) {
            boolean big = name.equals("resnet50");
            Map<String, String> keys = c.modelKeys(name);
            BenchConfig cfg = BenchConfig.load(c.config(), keys);
            ModelSpec base = cfg.spec(HarnessContext.MODEL);
            EngineCache cache = new EngineCache(cfg.engineOptions());
            for (int b : batches) {
                int warmup = big ? (c.quick() ? 1 : 3) : (c.quick() ? 10 : 50);
                int images = big ? (c.quick() ? 16 : 160) : (c.quick() ? 200 : 2400);
                int runs = Math.max(big ? 2 : 20, (images + b - 1) / b);
                long frames = big ? (c.quick() ? 16 : 160) : (c.quick() ? 200 : 1200);
                c.step(String.format("throughput %s batch %d: bare engine, %d warm-up + %d timed runs, %d threads",
                        name, b, warmup, runs, base.threads()));
                EngineBench.Result e = EngineBench.run(List.of(base), new int[] {b}, warmup, runs, c.log(),
                        s -> cache.prepare(s).engine()).get(0);
                c.step(String.format("throughput %s batch %d: pipeline, %d frames at full speed", name, b, frames));
                PipelineBench.Result p;
                try {
                    p = PipelineBench.run(c.config(), c.routes(), HarnessContext.MODEL, "sample", b, frames, keys, c.log());
                } catch (Exception ex) {
                    c.failed("throughput " + name + " batch " + b + " pipeline", ex);
                    continue;
                }
                Row r = new Row(name, b, base.threads(), runs, HarnessContext.round(e.imagesPerSecond(), 1),
                        HarnessContext.round(e.latency().p50(), 2), HarnessContext.round(e.latency().p99(), 2), p.frames(),
                        HarnessContext.round(p.seconds(), 2), HarnessContext.round(p.framesPerSecond(), 1),
                        HarnessContext.round(p.framesPerSecond() / e.imagesPerSecond(), 2));
                c.log().printf("    -> engine %.1f img/s, pipeline %.1f fr/s, ratio %.2f%n", r.engineImagesPerSecond(),
                        r.pipelineFramesPerSecond(), r.ratio());
                rows.add(r);
            }
        }
        return rows;
    }

    static Table table(List<Row> rows) {
        Table t = new Table("model", "batch", "threads", "engine img/s", "engine p50 ms", "engine p99 ms", "pipeline fr/s", "ratio");
        for (Row r : rows) {
            t.row(r.model(), r.batch(), r.threads(), fmt(r.engineImagesPerSecond(), 1), fmt(r.engineP50Ms(), 2),
                    fmt(r.engineP99Ms(), 2), fmt(r.pipelineFramesPerSecond(), 1), fmt(r.ratio(), 2));
        }
        return t;
    }

    static String fmt(double v, int digits) {
        return String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
    }
}
