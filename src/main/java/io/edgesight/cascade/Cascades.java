package io.edgesight.cascade;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.edgesight.camera.CameraConstants;
import io.edgesight.camera.Frame;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The configured cascades, bound as {@value #BEAN}, and the full-size pixels of the frames whose detections they
 * crop. A parent model's camera routes {@link #hold} each frame before preprocessing (a second reference to its
 * pixels, no copy) until its batch has run through {@code cascade:<model>}, which {@link #take}s them. At most
 * {@link #MAX_HELD} frames are held: a frame whose batch never comes (a failed engine run) is let go with the oldest.
 */
public final class Cascades {
    public static final String BEAN = "cascades";
    static final int MAX_HELD = 64;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Cascades.class);
    private final AtomicLong evicted = new AtomicLong();

    private final Map<String, CascadeSpec> specs;
    private final Map<String, Mat> held = new LinkedHashMap<>();
    private final Map<String, Counter> counters = new LinkedHashMap<>();

    public Cascades(Map<String, CascadeSpec> specs) {
        this.specs = Map.copyOf(specs);
        for (String child : specs.keySet()) counters.put(child, new Counter());
    }

    public static Cascades lookup(CamelContext ctx) {
        Cascades c = ctx.getRegistry().lookupByNameAndType(BEAN, Cascades.class);
        return c == null ? new Cascades(Map.of()) : c;
    }

    /** True when some model runs on {@code model}'s detections. */
    public boolean isParent(String model) {
        return specs.values().stream().anyMatch(s -> s.parent().equals(model));
    }

    /** The cascades run directly on {@code model}'s detections. */
    public List<CascadeSpec> childrenOf(String model) {
        List<CascadeSpec> out = new ArrayList<>();
        for (CascadeSpec s : specs.values()) if (s.parent().equals(model)) out.add(s);
        return out;
    }

    public Map<String, CascadeSpec> specs() { return specs; }

    /** Camera route step: keeps a reference to the frame's pixels for the cascades (the frame itself is closed by preprocessing). */
    public void hold(Exchange exchange) {
        Frame f = exchange.getMessage().getBody(Frame.class);
        if (f == null || f.image() == null) return;
        Mat ref = new Mat(f.image()); // shares the pixels, reference-counted
        synchronized (held) {
            Mat old = held.put(key(f.cameraId(), f.seq()), ref);
            if (old != null) old.close();
            while (held.size() > MAX_HELD) {
                var eldest = held.entrySet().iterator().next();
                eldest.getValue().close();
                held.remove(eldest.getKey());
                long n = evicted.incrementAndGet();
                if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th ... time
                    LOG.warn("cascades: {} frame(s) let go before their batch came (the oldest of {} held, e.g. {}): their"
                            + " detections are published without cascades", n, MAX_HELD, eldest.getKey());
                }
            }
        }
    }

    /** The held pixels of a frame (the caller closes them), or null. */
    Mat take(String camera, long seq) {
        synchronized (held) {
            return held.remove(key(camera, seq));
        }
    }

    int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

    /** Split step after {@code cascade:}: the headers the outputs read, from the prediction. */
    public void headers(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        if (p == null) return;
        exchange.getMessage().setHeader(CameraConstants.CAMERA_ID, p.camera());
        exchange.getMessage().setHeader(CameraConstants.FRAME_SEQ, p.seq());
        exchange.getMessage().setHeader(PredictComponent.MODEL_ID, p.model());
    }

    private static String key(String camera, long seq) { return camera + "#" + seq; }

    /** Crops and engine runs of one cascaded model since the start. */
    public static final class Counter {
        final AtomicLong crops = new AtomicLong(), runs = new AtomicLong(), rows = new AtomicLong(), nanos = new AtomicLong();

        public long crops() { return crops.get(); }
        public long runs() { return runs.get(); }
        /** Crops per run over the batch size. */
        public double fill() { return rows.get() == 0 ? 0 : (double) crops.get() / rows.get(); }
        public double millisPerRun() { return runs.get() == 0 ? 0 : nanos.get() / 1e6 / runs.get(); }
    }

    public Counter counter(String child) { return counters.get(child); }

    /** One line per cascaded model: crops, runs, batch fill. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        counters.forEach((child, c) -> sb.append(String.format(java.util.Locale.ROOT,
                "cascade %s: %d crops in %d runs, batch fill %.2f, %.1f ms per run%n", specs.get(child), c.crops(), c.runs(),
                c.fill(), c.millisPerRun())));
        return sb.toString();
    }
}
