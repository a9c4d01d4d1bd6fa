package io.edgesight.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.edgesight.camera.CameraConstants;
import io.edgesight.camera.CameraStates;
import io.edgesight.camera.CameraState;
import io.edgesight.camera.Frame;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A plain Camel context with one route per camera URI that keeps what each frame looked like: the camera
 * component exactly as the app uses it, without models.
 */
public final class CameraHarness implements AutoCloseable {
    /** One received frame: camera, seq, size, the BGR pixel at a few probe points, arrival time. */
    public record Received(String camera, long seq, int width, int height, int[][] probes, long captureNanos, long receivedNanos) {}

    private final CamelContext context = new DefaultCamelContext();
    private final List<Received> frames = new CopyOnWriteArrayList<>();
    private final List<String> statuses = new CopyOnWriteArrayList<>();
    private volatile int[][] probePoints = {{0, 0}};
    private volatile long processingDelayMs;

    public CameraHarness(String... cameraUris) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // first, so it starts before and stops after the cameras (it gets their last status)
                from("seda:camera-status").routeId("status").process(e -> statuses.add(
                        e.getMessage().getHeader(CameraConstants.CAMERA_ID) + ":" + ((java.util.Map<?, ?>) e.getMessage().getBody()).get("status")));
                int i = 0;
                for (String uri : cameraUris) {
                    from(uri).routeId("cam" + i++).process(e -> {
                        Frame f = e.getMessage().getBody(Frame.class);
                        frames.add(new Received(f.cameraId(), f.seq(), f.width(), f.height(), probe(f.image()),
                                f.captureNanos(), System.nanoTime()));
                        if (processingDelayMs > 0) Thread.sleep(processingDelayMs);
                    });
                }
            }
        });
    }

    private int[][] probe(Mat m) {
        int[][] pts = probePoints;
        int[][] out = new int[pts.length][];
        var idx = m.<org.bytedeco.javacpp.indexer.UByteIndexer>createIndexer();
        for (int i = 0; i < pts.length; i++) {
            int x = Math.min(m.cols() - 1, pts[i][0]), y = Math.min(m.rows() - 1, pts[i][1]);
            out[i] = new int[] {idx.get(y, x, 0), idx.get(y, x, 1), idx.get(y, x, 2)};
        }
        idx.close();
        return out;
    }

    /** Pixel positions (x, y) whose BGR values each received frame records. */
    public CameraHarness probes(int[][] points) {
        probePoints = points;
        return this;
    }

    /** A slow pipeline: each frame takes this long. */
    public CameraHarness delay(long millis) {
        processingDelayMs = millis;
        return this;
    }

    public CameraHarness start() {
        context.start();
        return this;
    }

    public List<Received> frames() { return frames; }

    public List<Received> frames(String camera) {
        return frames.stream().filter(f -> f.camera().equals(camera)).toList();
    }

    /** "camera:status" in the order they were published. */
    public List<String> statuses() { return statuses; }

    public CameraState state(String camera) {
        return CameraStates.lookup(context).get(camera).orElseThrow();
    }

    public CamelContext context() { return context; }

    @Override
    public void close() throws Exception {
        context.close();
    }
}
