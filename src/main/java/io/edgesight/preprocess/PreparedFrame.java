package io.edgesight.preprocess;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A frame resized to the model's input (8-bit BGR, model height x width), waiting for its batch.
 * Owns the small resized image; the batcher normalises it into the batch tensor and closes it.
 */
public final class PreparedFrame implements AutoCloseable {
    private final String cameraId;
    private final long seq;
    private final long captureEpochMillis;
    private final long captureNanos;
    private final ResizeTransform transform;
    private final long preprocessNanos;
    private final long readyNanos;
    private Mat resized;

    public PreparedFrame(String cameraId, long seq, long captureEpochMillis, long captureNanos, Mat resized,
                         ResizeTransform transform, long preprocessNanos) {
        this.cameraId = cameraId;
        this.seq = seq;
        this.captureEpochMillis = captureEpochMillis;
        this.captureNanos = captureNanos;
        this.resized = resized;
        this.transform = transform;
        this.preprocessNanos = preprocessNanos;
        this.readyNanos = System.nanoTime();
    }

    public String cameraId() { return cameraId; }
    public long seq() { return seq; }
    public long captureEpochMillis() { return captureEpochMillis; }
    public long captureNanos() { return captureNanos; }
    public Mat resized() { return resized; }
    public ResizeTransform transform() { return transform; }
    public long preprocessNanos() { return preprocessNanos; }
    /** nanoTime when preprocessing finished: the start of the batch wait. */
    public long readyNanos() { return readyNanos; }

    @Override
    public void close() {
        Mat m = resized;
        resized = null;
        if (m != null) m.close();
    }
}
