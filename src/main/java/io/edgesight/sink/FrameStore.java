package io.edgesight.sink;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.edgesight.camera.Frame;
import io.edgesight.predict.Prediction;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Keeps what is needed to draw a camera's latest prediction without holding the full-size native frame: the camera
 * route calls {@link #keep} before preprocessing, which stores a downscaled copy of the frame's pixels (a few per
 * camera, keyed by frame number, in native buffers that are reused frame after frame); when the frame's prediction
 * comes out, {@link #predicted} pairs them. {@link #annotated} draws the predictions and encodes the JPEG only on
 * request (HTTP latest.jpg, snapshots) and caches the result. Encoding a JPEG of every frame on the camera thread
 * cost 2.4 ms per 640x480 frame, more than decoding it (docs/BENCHMARKS.md). With width 0 nothing is kept.
 */
public class FrameStore {
    public static final String BEAN = "frames";
    /** Frames kept per camera while their predictions are on the way (batching + queues hold a few). */
    private static final int PENDING = 64;
    /** Spare pixel buffers kept per camera for the next frames. */
    private static final int SPARE = 8;

    private final int width;
    private final int quality;
    private final Map<String, Camera> cameras = new ConcurrentHashMap<>();
    private final AtomicLong keepNanos = new AtomicLong();
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong encoded = new AtomicLong();
    private final AtomicLong encodedBytes = new AtomicLong();

    /** A camera's latest prediction and its frame's pixels; the drawn JPEG once somebody asked for it. */
    private static final class Latest {
        final Prediction prediction;
        final Mat pixels;
        byte[] annotated;

        Latest(Prediction prediction, Mat pixels) {
            this.prediction = prediction;
            this.pixels = pixels;
        }
    }

    /** One camera's kept frames; every field is guarded by the instance's lock. */
    private static final class Camera {
        final LinkedHashMap<Long, Mat> pending = new LinkedHashMap<>();
        final ArrayDeque<Mat> spare = new ArrayDeque<>();
        Latest latest;

        void recycle(Mat m) {
            if (spare.size() < SPARE) spare.push(m);
            else m.close();
        }
    }

    public FrameStore(int width, int quality) {
        this.width = width;
        this.quality = quality;
    }

    public boolean enabled() { return width > 0; }

    /** Camera route step, body {@link Frame} (before preprocess closes it): keeps a small copy of its pixels. */
    public void keep(Exchange exchange) {
        if (!enabled()) return;
        Frame f = exchange.getMessage().getBody(Frame.class);
        if (f != null) keep(f);
    }

    /** Keeps a copy of {@code f} at most {@code width} pixels wide until its prediction comes out. */
    public void keep(Frame f) {
        if (!enabled() || f.image() == null) return;
        long t0 = System.nanoTime();
        Camera c = cameras.computeIfAbsent(f.cameraId(), id -> new Camera());
        Mat m;
        synchronized (c) {
            m = c.spare.poll();
        }
        if (m == null) m = new Mat();
        Annotator.downscale(f.image(), width, m); // into the reused buffer: same size, no allocation
        synchronized (c) {
            Mat old = c.pending.put(f.seq(), m);
            if (old != null) c.recycle(old);
            if (c.pending.size() > PENDING) {
                Iterator<Mat> it = c.pending.values().iterator();
                c.recycle(it.next());
                it.remove();
            }
        }
        keepNanos.addAndGet(System.nanoTime() - t0);
        kept.incrementAndGet();
    }

    /** Outputs route step, body {@link Prediction}: the camera's latest prediction gets its frame. */
    public void predicted(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        if (p == null || !enabled()) return;
        Camera c = cameras.get(p.camera());
        if (c == null) return;
        synchronized (c) {
            Mat m = c.pending.remove(p.seq());
            // frames older than this one will not be asked for
            for (Iterator<Map.Entry<Long, Mat>> it = c.pending.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Mat> e = it.next();
                if (e.getKey() < p.seq()) {
                    c.recycle(e.getValue());
                    it.remove();
                }
            }
            if (m != null) {
                if (c.latest != null) c.recycle(c.latest.pixels);
                c.latest = new Latest(p, m);
            }
        }
    }

    /**
     * Camera route step for a frame the motion gate left out (no motion): its kept pixels become the camera's latest
     * frame, drawn with the latest prediction (nothing moved, so what was seen is still there), so latest.jpg stays live.
     */
    public void unchanged(Exchange exchange) {
        Frame f = exchange.getMessage().getBody(Frame.class);
        if (f == null || !enabled()) return;
        Camera c = cameras.get(f.cameraId());
        if (c == null) return;
        synchronized (c) {
            Mat m = c.pending.remove(f.seq());
            if (m == null) return;
            if (c.latest == null) {
                c.recycle(m);
                return;
            }
            c.recycle(c.latest.pixels);
            c.latest = new Latest(c.latest.prediction, m);
        }
    }

    /** The camera's latest frame with its predictions drawn (JPEG), or null. Cached until the next prediction. */
    public byte[] annotated(String camera) {
        Camera c = camera == null ? null : cameras.get(camera);
        return c == null ? null : annotated(c, -1);
    }

    /** Frame {@code seq} (any when negative) of camera {@code c} drawn, when it is the latest; else null. */
    private byte[] annotated(Camera c, long seq) {
        Latest l;
        Mat copy;
        synchronized (c) {
            l = c.latest;
            if (l == null || (seq >= 0 && l.prediction.seq() != seq)) return null;
            if (l.annotated != null) return l.annotated;
            copy = l.pixels.clone(); // the buffer goes back to the camera when the next prediction arrives
        }
        byte[] jpeg;
        try (Mat img = copy) {
            Annotator.draw(img, l.prediction);
            jpeg = Annotator.jpeg(img, quality);
        }
        encoded.incrementAndGet();
        encodedBytes.addAndGet(jpeg.length);
        synchronized (c) {
            if (l.annotated == null) l.annotated = jpeg;
            return l.annotated;
        }
    }

    /** The frame of prediction {@code p} drawn, when it is the camera's latest (snapshot routes); else null. */
    public byte[] annotated(Prediction p) {
        Camera c = cameras.get(p.camera());
        return c == null ? null : annotated(c, p.seq());
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

    /**
     * What keeping frames costs: frames kept, mean time to keep one (downscaled copy, ms), and the mean size of the
     * JPEGs drawn on request (bytes; 0 before the first).
     */
    public Map<String, Object> cost() {
        long n = Math.max(1, kept.get());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", width);
        m.put("kept", kept.get());
        m.put("meanEncodeMs", Math.round(keepNanos.get() / 1e4 / n) / 100.0);
        m.put("meanJpegBytes", encodedBytes.get() / Math.max(1, encoded.get()));
        return m;
    }
}
