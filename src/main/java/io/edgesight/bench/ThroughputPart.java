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
               double engineP99Ms, long pipelineFrames, double pipelineSeconds, double pipelineFramesPerSecond, double ratio,
               int repeats, double ratioMin, double ratioMax, double engineCpuMsPerImage, double pipelineCpuMsPerFrame,
               double cpuOutsideModelMsPerFrame) {}

    private ThroughputPart() {}

    /** Engine and pipeline alternate this many times per batch size; the medians are compared (a shared machine drifts). */
    static int repeats(HarnessContext c) {
        return repeats(c.quick());
    }

    static int repeats(boolean quick) {
        return quick ? 1 : 3;
    }

    static int steps(List<String> models, int[] batches, int repeats) {
        return models.size() * batches.length * 2 * repeats;
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
                long frames = big ? (c.quick() ? 16 : 240) : (c.quick() ? 200 : 1200);
                int repeats = repeats(c);
                List<EngineBench.Result> engine = new ArrayList<>();
                List<PipelineBench.Result> pipe = new ArrayList<>();
                for (int rep = 1; rep <= repeats; rep++) {
                    String of = repeats > 1 ? String.format(" (repeat %d of %d)", rep, repeats) : "";
                    c.step(String.format("throughput %s batch %d: bare engine, %d warm-up + %d timed runs, %d threads%s",
                            name, b, warmup, runs, base.threads(), of));
                    engine.add(EngineBench.run(List.of(base), new int[] {b}, warmup, runs, c.log(),
                            s -> cache.prepare(s).engine()).get(0));
                    c.step(String.format("throughput %s batch %d: pipeline, %d frames at full speed%s", name, b, frames, of));
                    try {
                        pipe.add(PipelineBench.run(c.config(), c.routes(), HarnessContext.MODEL, "sample", b, frames, keys, c.log()));
                    } catch (Exception ex) {
                        c.failed("throughput " + name + " batch " + b + " pipeline" + of, ex);
                        engine.remove(engine.size() - 1); // ratios pair each pipeline run with the engine run before it
                    }
                }
                if (pipe.isEmpty()) continue;
                EngineBench.Result e = engine.stream()
                        .sorted(java.util.Comparator.comparingDouble(EngineBench.Result::imagesPerSecond))
                        .toList().get(engine.size() / 2);
                double pipeline = median(pipe.stream().mapToDouble(PipelineBench.Result::steadyFramesPerSecond).toArray());
                double ratioMin = Double.MAX_VALUE;
                double ratioMax = 0;
                for (int i = 0; i < pipe.size(); i++) {
                    double ratio = pipe.get(i).steadyFramesPerSecond() / engine.get(i).imagesPerSecond();
                    ratioMin = Math.min(ratioMin, ratio);
                    ratioMax = Math.max(ratioMax, ratio);
                }
                PipelineBench.Result p = pipe.get(0);
                // process CPU per frame of the pipeline (steady state) minus the bare engine's per image: the work outside the model
                double engineCpu = median(engine.stream().mapToDouble(EngineBench.Result::cpuMsPerImage).toArray());
                double pipeCpu = median(pipe.stream().mapToDouble(PipelineBench.Result::steadyCpuMsPerFrame).toArray());
                Row r = new Row(name, b, base.threads(), runs, HarnessContext.round(e.imagesPerSecond(), 1),
                        HarnessContext.round(e.latency().p50(), 2), HarnessContext.round(e.latency().p99(), 2), p.frames(),
                        HarnessContext.round(p.seconds(), 2), HarnessContext.round(pipeline, 1),
                        HarnessContext.round(pipeline / e.imagesPerSecond(), 2), pipe.size(),
                        HarnessContext.round(ratioMin, 2), HarnessContext.round(ratioMax, 2), HarnessContext.round(engineCpu, 3),
                        HarnessContext.round(pipeCpu, 3), HarnessContext.round(pipeCpu - engineCpu, 3));
                c.log().printf("    -> engine %.1f img/s, pipeline %.1f fr/s (steady state), ratio %.2f (each repeat %.2f-%.2f); CPU per frame:"
                                + " pipeline %.2f ms, engine %.2f ms, outside the model %.2f ms%n",
                        r.engineImagesPerSecond(), r.pipelineFramesPerSecond(), r.ratio(), ratioMin, ratioMax, pipeCpu, engineCpu,
                        pipeCpu - engineCpu);
                rows.add(r);
            }
        }
        return rows;
    }

    static Table table(List<Row> rows) {
        Table t = new Table("model", "batch", "threads", "engine img/s", "engine p50 ms", "engine p99 ms", "pipeline fr/s",
                "ratio", "ratio per repeat", "CPU ms/frame pipeline", "CPU ms/img engine", "CPU ms/frame outside the model");
        for (Row r : rows) {
            t.row(r.model(), r.batch(), r.threads(), fmt(r.engineImagesPerSecond(), 1), fmt(r.engineP50Ms(), 2),
                    fmt(r.engineP99Ms(), 2), fmt(r.pipelineFramesPerSecond(), 1), fmt(r.ratio(), 2),
                    fmt(r.ratioMin(), 2) + "–" + fmt(r.ratioMax(), 2) + " (" + r.repeats() + ")", fmt(r.pipelineCpuMsPerFrame(), 2),
                    fmt(r.engineCpuMsPerImage(), 2), fmt(r.cpuOutsideModelMsPerFrame(), 2));
        }
        return t;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String fmt(double v, int digits) {
        return String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
    }
}
