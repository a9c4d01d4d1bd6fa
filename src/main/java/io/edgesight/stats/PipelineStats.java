package io.edgesight.stats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.edgesight.stats.PipelineTracker;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;

/**
 * Live numbers of the pipeline, fed by the outputs route ({@link #observe}) with every prediction: per camera
 * fps, frames, dropped and failed frames, the last prediction; per model inference fps, latency (mean, p50, p95,
 * max) and batch fill; the MQTT outbox. Served as {@code <prefix>/stats} (MQTT), {@code GET /api/stats},
 * {@code GET /api/cameras}, and as Prometheus meters on {@code /observe/metrics} (the Micrometer registry that
 * camel-micrometer-prometheus binds in the Camel registry).
 */
public class PipelineStats implements CamelContextAware {
    public static final String BEAN = "stats";
    private static final int LATENCY_SAMPLES = 512;

    private final int windowSeconds;
    private final long startMillis = System.currentTimeMillis();
    private final Map<String, CameraStats> cameras = new ConcurrentHashMap<>();
    private final Map<String, ModelStats> models = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong webhookDeadLetters = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong webhookDelivered = new java.util.concurrent.atomic.AtomicLong();
    private CamelContext camelContext;
    private volatile MeterRegistry registry;
    private volatile OutputCounters outputs = OutputCounters.NONE;
    private volatile boolean globalMetersBound;
    private volatile String node = "edgesight";

    public PipelineStats(int windowSeconds) {
        this.windowSeconds = windowSeconds;
    }

    /** The node id the statistics carry (edgesight.node.id). */
    public void setNode(String node) { this.node = node; }

    static final class CameraStats {
        final String id;
        final RateWindow fps;
        final java.util.concurrent.atomic.LongAdder frames = new java.util.concurrent.atomic.LongAdder();
        volatile Observed last;
        volatile long lastMillis;
        io.micrometer.core.instrument.Counter framesCounter;

        CameraStats(String id, int window) {
            this.id = id;
            this.fps = new RateWindow(window);
        }
    }

    static final class ModelStats {
        final RateWindow fps;
        final double[] latencies = new double[LATENCY_SAMPLES];
        final double[] fills = new double[LATENCY_SAMPLES];
        int n;
        long count;
        String engine;
        Timer timer;
        Timer totalTimer;
        DistributionSummary fill;

        ModelStats(int window) { this.fps = new RateWindow(window); }

        synchronized void add(double inferenceMs, double fillRatio) {
            latencies[n] = inferenceMs;
            fills[n] = fillRatio;
            n = (n + 1) % LATENCY_SAMPLES;
            count++;
        }

        synchronized double[] latencySamples() {
            return Arrays.copyOf(latencies, (int) Math.min(count, LATENCY_SAMPLES));
        }

        synchronized double meanFill() {
            int k = (int) Math.min(count, LATENCY_SAMPLES);
            double s = 0;
            for (int i = 0; i < k; i++) s += fills[i];
            return k == 0 ? 0 : s / k;
        }
    }

    /** The output stage's counters (wired by the application once the Camel context exists). */
    public void outputs(OutputCounters counters) { this.outputs = counters; }

    /** Route step, body {@link Observed} (the payload): counts the frame. */
    public void observe(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Observed p) observe(p);
    }

    public void observe(Observed p) {
        long now = System.currentTimeMillis();
        MeterRegistry r = registry();
        CameraStats c = cameras.computeIfAbsent(p.camera(), id -> {
            CameraStats cs = new CameraStats(id, windowSeconds);
            if (r != null) bindCamera(r, cs);
            return cs;
        });
        c.frames.increment();
        c.fps.add(now, 1);
        c.last = p;
        c.lastMillis = now;
        if (c.framesCounter != null) c.framesCounter.increment();

        ModelStats m = models.computeIfAbsent(p.model(), id -> {
            ModelStats ms = new ModelStats(windowSeconds);
            if (r != null) bindModel(r, id, ms);
            return ms;
        });
        if (p.engineId() != null) m.engine = p.engineId();
        m.fps.add(now, 1);
        double fill = p.batchSize() == 0 ? 0 : (double) p.batchFill() / p.batchSize();
        m.add(p.inferenceMs(), fill);
        if (m.timer != null) {
            m.timer.record((long) (p.inferenceMs() * 1_000_000), TimeUnit.NANOSECONDS);
            m.totalTimer.record((long) (p.totalMs() * 1_000_000), TimeUnit.NANOSECONDS);
            m.fill.record(fill);
        }
    }

    /** The Micrometer registry of the Camel registry, when metrics are enabled; meters are bound once. */
    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r != null || camelContext == null) return r;
        synchronized (this) {
            if (registry != null) return registry;
            r = camelContext.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
            if (r == null) r = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
            if (r == null) return null;
            registry = r;
            if (!globalMetersBound) {
                globalMetersBound = true;
                bindGlobal(r);
            }
            return r;
        }
    }

    private void bindCamera(MeterRegistry r, CameraStats cs) {
        cs.framesCounter = io.micrometer.core.instrument.Counter.builder("edgesight.frames")
                .description("Frames predicted and published").tag("camera", cs.id).register(r);
        Gauge.builder("edgesight.camera.fps", cs, x -> x.fps.perSecond(System.currentTimeMillis()))
                .description("Frames per second published, over the stats window").tag("camera", cs.id).register(r);
        PipelineTracker tracker = tracker();
        if (tracker != null) {
            FunctionCounter.builder("edgesight.frames.dropped", tracker, t -> t.dropped(cs.id))
                    .description("Frames a live camera dropped because the pipeline was busy").tag("camera", cs.id).register(r);
            FunctionCounter.builder("edgesight.frames.failed", tracker, t -> t.failed(cs.id))
                    .description("Frames that failed in the pipeline").tag("camera", cs.id).register(r);
            FunctionCounter.builder("edgesight.frames.skipped.no.motion", tracker, t -> t.skippedNoMotion(cs.id))
                    .description("Frames the camera's motion gate left out (not inferred)").tag("camera", cs.id).register(r);
        }
    }

    private void bindModel(MeterRegistry r, String model, ModelStats ms) {
        ms.timer = Timer.builder("edgesight.inference.latency").description("Engine run time of the batch of each frame")
                .tag("model", model).publishPercentileHistogram()
                .minimumExpectedValue(java.time.Duration.ofMillis(1)).maximumExpectedValue(java.time.Duration.ofSeconds(10))
                .register(r);
        ms.totalTimer = Timer.builder("edgesight.frame.latency").description("Capture to decoded prediction, per frame")
                .tag("model", model).publishPercentileHistogram()
                .minimumExpectedValue(java.time.Duration.ofMillis(1)).maximumExpectedValue(java.time.Duration.ofSeconds(10))
                .register(r);
        ms.fill = DistributionSummary.builder("edgesight.batch.fill.ratio")
                .description("Real frames / batch size of the batch each frame ran in").tag("model", model).register(r);
        Gauge.builder("edgesight.inference.fps", ms, x -> x.fps.perSecond(System.currentTimeMillis()))
                .description("Frames per second through the engine, over the stats window").tag("model", model).register(r);
    }

    private void bindGlobal(MeterRegistry r) {
        Gauge.builder("edgesight.mqtt.buffer.depth", this, s -> s.bufferDepth())
                .description("Messages waiting in the MQTT outbound buffer").register(r);
        FunctionCounter.builder("edgesight.mqtt.buffer.dropped", this, s -> s.bufferDropped())
                .description("Oldest messages dropped because the MQTT outbound buffer was full").register(r);
        Gauge.builder("edgesight.mqtt.connected", this, s -> s.mqttConnected() ? 1 : 0)
                .description("1 while connected to the MQTT broker").register(r);
        FunctionCounter.builder("edgesight.webhook.dead.letters", webhookDeadLetters, java.util.concurrent.atomic.AtomicLong::get)
                .description("Webhook deliveries given up and written to the dead-letter file").register(r);
        FunctionCounter.builder("edgesight.webhook.delivered", webhookDelivered, java.util.concurrent.atomic.AtomicLong::get)
                .description("Webhook deliveries accepted by the receiver").register(r);
        FunctionCounter.builder("edgesight.files.write.errors", this, s -> s.fileWriteErrors())
                .description("JSON lines that could not be written to their file (disk full, permissions)").register(r);
    }

    private long fileWriteErrors() { return outputs.fileWriteErrors(); }

    /** Makes sure the process-wide meters exist even before the first frame (scrapes right after start). */
    public void bindMeters() { registry(); }

    public void webhookDeadLetter() { webhookDeadLetters.incrementAndGet(); }

    public void webhookDelivered() { webhookDelivered.incrementAndGet(); }

    private PipelineTracker tracker() {
        return camelContext == null ? null
                : camelContext.getRegistry().lookupByNameAndType(PipelineTracker.BEAN, PipelineTracker.class);
    }

    double bufferDepth() { return outputs.mqttBufferDepth(); }

    double bufferDropped() { return outputs.mqttBufferDropped(); }

    boolean mqttConnected() { return outputs.mqttConnected(); }

    /** The statistics document ({@code <prefix>/stats}, {@code GET /api/stats}). */
    public Map<String, Object> snapshot() {
        long now = System.currentTimeMillis();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schema", 1);
        out.put("node", node);
        out.put("time", Instant.ofEpochMilli(now).toString());
        out.put("uptimeSeconds", (now - startMillis) / 1000);
        out.put("windowSeconds", windowSeconds);
        Map<String, Object> cams = new TreeMap<>();
        PipelineTracker tracker = tracker();
        TreeSet<String> ids = new TreeSet<>(cameras.keySet());
        if (tracker != null) ids.addAll(tracker.cameras());
        for (String id : ids) cams.put(id, camera(id, now, tracker));
        out.put("cameras", cams);
        Map<String, Object> mods = new TreeMap<>();
        models.forEach((id, m) -> {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("engine", m.engine);
            mm.put("inferenceFps", round(m.fps.perSecond(now)));
            double[] lat = m.latencySamples();
            Arrays.sort(lat);
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("mean", round(Arrays.stream(lat).average().orElse(0)));
            l.put("p50", round(percentile(lat, 0.50)));
            l.put("p95", round(percentile(lat, 0.95)));
            l.put("max", round(lat.length == 0 ? 0 : lat[lat.length - 1]));
            mm.put("inferenceLatencyMs", l);
            mm.put("batchFill", round(m.meanFill()));
            mods.put(id, mm);
        });
        out.put("models", mods);
        Map<String, Object> mqtt = new LinkedHashMap<>();
        mqtt.put("connected", mqttConnected());
        mqtt.put("bufferDepth", (long) bufferDepth());
        mqtt.put("bufferDropped", (long) bufferDropped());
        mqtt.put("delivered", outputs.mqttDelivered());
        out.put("mqtt", mqtt);
        long[] k = outputs.kafka();
        if (k != null) {
            Map<String, Object> kafka = new LinkedHashMap<>();
            kafka.put("bufferDepth", k[0]);
            kafka.put("bufferDropped", k[1]);
            kafka.put("delivered", k[2]);
            out.put("kafka", kafka);
        }
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("delivered", webhookDelivered.get());
        webhook.put("deadLetters", webhookDeadLetters.get());
        out.put("webhook", webhook);
        out.put("files", Map.of("writeErrors", fileWriteErrors()));
        Map<String, Object> frames = outputs.frameCost();
        if (frames != null) out.put("frames", frames);
        return out;
    }

    private Map<String, Object> camera(String id, long now, PipelineTracker tracker) {
        CameraStats c = cameras.get(id);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status(id, c, now, tracker));
        m.put("fps", c == null ? 0.0 : round(c.fps.perSecond(now)));
        m.put("frames", c == null ? 0 : c.frames.sum());
        m.put("dropped", tracker == null ? 0 : tracker.dropped(id));
        m.put("failed", tracker == null ? 0 : tracker.failed(id));
        m.put("skipped_no_motion", tracker == null ? 0 : tracker.skippedNoMotion(id));
        Observed last = c == null ? null : c.last;
        m.put("lastSeq", last == null ? null : last.seq());
        m.put("lastPredictionTime", last == null ? null : Instant.ofEpochMilli(c.lastMillis).toString());
        return m;
    }

    private String status(String id, CameraStats c, long now, PipelineTracker tracker) {
        if (tracker != null && tracker.finished(id)) return "finished";
        if (c != null && now - c.lastMillis < 5000) return "online";
        // a gated camera whose scene is still: its frames arrive, the gate leaves them out
        if (tracker != null && now - tracker.lastSkippedMillis(id) < 5000) return "online";
        return c == null ? "starting" : "stalled";
    }

    /** {@code GET /api/cameras}: every camera with its status, rates and last predictions. */
    public List<Map<String, Object>> cameras() {
        long now = System.currentTimeMillis();
        PipelineTracker tracker = tracker();
        TreeSet<String> ids = new TreeSet<>(cameras.keySet());
        if (tracker != null) ids.addAll(tracker.cameras());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.putAll(camera(id, now, tracker));
            CameraStats c = cameras.get(id);
            Observed last = c == null ? null : c.last;
            m.put("model", last == null ? null : last.model());
            m.put("predictions", last == null ? List.of() : last.items());
            m.put("latency", last == null ? null : last.timings());
            m.put("links", Map.of("latest", "/api/cameras/" + id + "/latest", "latestJpg", "/api/cameras/" + id + "/latest.jpg"));
            out.add(m);
        }
        return out;
    }

    /** The last prediction of a camera, or null. */
    public Observed last(String camera) {
        CameraStats c = cameras.get(camera);
        return c == null ? null : c.last;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double round(double v) { return Math.round(v * 100) / 100.0; }

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
}
