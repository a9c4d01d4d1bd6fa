package io.edgesight.sink;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.edgesight.camera.Frame;
import io.edgesight.predict.Prediction;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * Keeps what is needed to draw a camera's latest prediction without holding native frame memory: the camera
 * route calls {@link #keep} before preprocessing, which stores a downscaled JPEG copy of the frame (heap bytes,
 * a few per camera, keyed by frame number); when the frame's prediction comes out, {@link #predicted} pairs
 * them. {@link #annotated} draws the predictions on request (HTTP latest.jpg, snapshots) and caches the result.
 * With width 0 nothing is kept.
 */
public class FrameStore {
    public static final String BEAN = "frames";
    /** Frames kept per camera while their predictions are on the way (batching + queues hold a few). */
    private static final int PENDING = 64;

    private final int width;
    private final int quality;
    private final Map<String, Map<Long, byte[]>> pending = new ConcurrentHashMap<>();
    private final Map<String, Latest> latest = new ConcurrentHashMap<>();
    private final AtomicLong encodeNanos = new AtomicLong();
    private final AtomicLong encoded = new AtomicLong();
    private final AtomicLong encodedBytes = new AtomicLong();

    /** A camera's latest prediction and its frame; the drawn JPEG once somebody asked for it. */
    record Latest(Prediction prediction, byte[] jpeg, byte[][] annotated) {}

    public FrameStore(int width, int quality) {
        this.width = width;
        this.quality = quality;
    }

    public boolean enabled() { return width > 0; }

    /** Camera route step, body {@link Frame} (before preprocess closes it): keeps a small JPEG copy. */
    public void keep(Exchange exchange) {
        if (!enabled()) return;
        Frame f = exchange.getMessage().getBody(Frame.class);
        if (f == null || f.image() == null) return;
        long t0 = System.nanoTime();
        byte[] jpeg = Annotator.downscaledJpeg(f.image(), width, quality);
        encodeNanos.addAndGet(System.nanoTime() - t0);
        encoded.incrementAndGet();
        encodedBytes.addAndGet(jpeg.length);
        Map<Long, byte[]> m = pending.computeIfAbsent(f.cameraId(), c -> new LinkedHashMap<>());
        synchronized (m) {
            m.put(f.seq(), jpeg);
            if (m.size() > PENDING) {
                Iterator<Long> it = m.keySet().iterator();
                it.next();
                it.remove();
            }
        }
    }

    /** Outputs route step, body {@link Prediction}: the camera's latest prediction gets its frame. */
    public void predicted(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        if (p == null || !enabled()) return;
        Map<Long, byte[]> m = pending.get(p.camera());
        byte[] jpeg = null;
        if (m != null) {
            synchronized (m) {
                jpeg = m.remove(p.seq());
                m.keySet().removeIf(seq -> seq < p.seq()); // frames older than this one will not be asked for
            }
        }
        if (jpeg != null) latest.put(p.camera(), new Latest(p, jpeg, new byte[1][]));
    }

    /** The camera's latest frame with its predictions drawn (JPEG), or null. Cached until the next prediction. */
    public byte[] annotated(String camera) {
        Latest l = camera == null ? null : latest.get(camera);
        if (l == null) return null;
        synchronized (l) {
            if (l.annotated()[0] == null) l.annotated()[0] = Annotator.annotate(l.jpeg(), l.prediction(), quality);
            return l.annotated()[0];
        }
    }

    /** The frame of prediction {@code p} drawn, when it is the camera's latest (snapshot routes); else null. */
    public byte[] annotated(Prediction p) {
        Latest l = latest.get(p.camera());
        return l != null && l.prediction().seq() == p.seq() ? annotated(p.camera()) : null;
    }

    /** Route step: the body (a {@link Prediction}) becomes its drawn frame (JPEG bytes), or null when there is none. */
    public void toAnnotatedJpeg(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        exchange.getMessage().setBody(p == null ? null : annotated(p));
    }

    /** HTTP: {@code GET /api/cameras/{id}/latest.jpg}. */
    public byte[] latestJpeg(@Header("id") String camera, Exchange exchange) {
        byte[] jpeg = annotated(camera);
        if (jpeg == null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            return ("{\"error\":\"no frame yet for camera '" + (camera == null ? "" : camera.replace("\"", "")) + "'\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "image/jpeg");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        return jpeg;
    }

    /** What keeping frames costs: frames kept, mean downscale+encode time (ms) and JPEG size (bytes) per frame. */
    public Map<String, Object> cost() {
        long n = Math.max(1, encoded.get());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", width);
        m.put("kept", encoded.get());
        m.put("meanEncodeMs", Math.round(encodeNanos.get() / 1e4 / n) / 100.0);
        m.put("meanJpegBytes", encodedBytes.get() / n);
        return m;
    }
}
