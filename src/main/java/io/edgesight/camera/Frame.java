package io.edgesight.camera;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded camera frame (BGR, 8 bit) and where it came from. Owns its native pixel memory:
 * whoever drops the frame calls {@link #close()} so native memory never waits for the GC.
 */
public final class Frame implements AutoCloseable {
    private final String cameraId;
    private final long seq;
    private final long captureEpochMillis;
    private final long captureNanos;
    private Mat image;

    public Frame(String cameraId, long seq, long captureEpochMillis, long captureNanos, Mat image) {
        this.cameraId = cameraId;
        this.seq = seq;
        this.captureEpochMillis = captureEpochMillis;
        this.captureNanos = captureNanos;
        this.image = image;
    }

    public String cameraId() { return cameraId; }
    public long seq() { return seq; }
    public long captureEpochMillis() { return captureEpochMillis; }
    /** {@link System#nanoTime()} at capture, for latency measurements within this process. */
    public long captureNanos() { return captureNanos; }
    public Mat image() { return image; }
    public int width() { return image == null ? 0 : image.cols(); }
    public int height() { return image == null ? 0 : image.rows(); }

    @Override
    public void close() {
        Mat m = image;
        image = null;
        if (m != null) {
            m.close();
        }
    }

    @Override
    public String toString() {
        return "Frame[" + cameraId + "#" + seq + "]";
    }
}
