package io.edgesight.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.edgesight.sink.mqtt.EmbeddedMqttBroker;

/**
 * Part (b): capture -> MQTT latency at a live 25 fps source (the sample video read at its own rate, looping) for
 * batch sizes and batch timeouts. Latency is measured by a real MQTT subscriber on the broker the pipeline
 * publishes to (see {@link PublishLatency}), over a window after a warm-up; the batch fill of each prediction shows
 * whether batches filled up or the timeout sent them partial.
 */
final class LatencyPart {
    record Row(String model, int batch, long timeoutMs, double sourceFps, int predictions, double windowSeconds,
               double framesPerSecond, double meanBatchFill, double p50Ms, double p90Ms, double p99Ms, double meanMs,
               long maxMs) {}

    private LatencyPart() {}

    /** (batch, timeout) pairs: batch 1 needs no timeout (every frame completes its batch), so it runs once. */
    static List<long[]> grid(int[] batches, long[] timeouts) {
        List<long[]> g = new ArrayList<>();
        for (int b : batches) {
            if (b == 1) g.add(new long[] {1, timeouts[timeouts.length - 1]});
            else for (long t : timeouts) g.add(new long[] {b, t});
        }
        return g;
    }

    static List<Row> run(HarnessContext c, List<long[]> grid) throws Exception {
        List<Row> rows = new ArrayList<>();
        long warmMs = c.quick() ? 1500 : 3000;
        long windowMs = c.quick() ? 4000 : 10_000;
        for (long[] g : grid) {
            int b = (int) g[0];
            long timeout = g[1];
            c.step(String.format("latency sample batch %d, batch timeout %d ms: 25 fps live source, %.0f s warm-up + %.0f s measured",
                    b, timeout, warmMs / 1000.0, windowMs / 1000.0));
            try {
                rows.add(one(c, b, timeout, warmMs, windowMs));
            } catch (Exception e) {
                c.failed(String.format("latency batch %d timeout %d ms", b, timeout), e);
            }
        }
        return rows;
    }

    private static Row one(HarnessContext c, int b, long timeout, long warmMs, long windowMs) throws Exception {
        {
            try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
                 PublishLatency sub = new PublishLatency(broker.url(), "edgesight/+/predictions")) {
                Map<String, String> o = c.modelKeys("sample");
                o.put("edgesight.mqtt.broker-url", broker.url());
                o.put("edgesight.models.sample.batch-size", Integer.toString(b));
                o.put("edgesight.batch.timeout-ms", Long.toString(timeout));
                o.put("edgesight.cameras.sample.loop", "true");
                o.put("edgesight.cameras.sample.pacing", "realtime");
                List<PublishLatency.Sample> s;
                long from;
                long to;
                try (RunningApp app = new RunningApp(c.config(), c.routes(), o)) {
                    app.awaitFirstPrediction(90_000);
                    Thread.sleep(warmMs);
                    from = System.currentTimeMillis();
                    Thread.sleep(windowMs);
                    to = System.currentTimeMillis();
                    s = sub.between(from, to);
                }
                if (s.isEmpty()) throw new IllegalStateException("no prediction reached the MQTT subscriber in " + windowMs + " ms");
                long[] nanos = s.stream().mapToLong(x -> x.latencyMillis() * 1_000_000L).toArray();
                Stats st = Stats.of(nanos);
                double seconds = (to - from) / 1000.0;
                Row r = new Row("sample", b, timeout, 25, s.size(), seconds, HarnessContext.round(s.size() / seconds, 1),
                        HarnessContext.round(s.stream().mapToInt(PublishLatency.Sample::batchFill).average().orElse(0), 2),
                        st.p50(), st.p90(), st.p99(), HarnessContext.round(st.mean(), 1),
                        s.stream().mapToLong(PublishLatency.Sample::latencyMillis).max().orElse(0));
                c.log().printf("    -> %d predictions, %.1f fr/s, mean batch fill %.2f, p50 %.0f ms, p99 %.0f ms%n",
                        r.predictions(), r.framesPerSecond(), r.meanBatchFill(), r.p50Ms(), r.p99Ms());
                return r;
            }
        }
    }

    static Table table(List<Row> rows) {
        Table t = new Table("batch", "timeout ms", "out fr/s", "mean batch fill", "p50 ms", "p90 ms", "p99 ms", "max ms");
        for (Row r : rows) {
            t.row(r.batch(), r.batch() == 1 ? "–" : r.timeoutMs(), ThroughputPart.fmt(r.framesPerSecond(), 1),
                    ThroughputPart.fmt(r.meanBatchFill(), 2), ThroughputPart.fmt(r.p50Ms(), 0),
                    ThroughputPart.fmt(r.p90Ms(), 0), ThroughputPart.fmt(r.p99Ms(), 0), r.maxMs());
        }
        return t;
    }
}
