package io.edgesight.camera;

/**
 * One kind of camera source (file, RTSP, GStreamer, V4L2, MJPEG, ...). The consumer drives it from a
 * single thread: open, grab until null, close. Every kind has its own URI scheme.
 */
public interface FrameSource extends AutoCloseable {

    /** Opens the source; throws {@link CameraException} with a user-facing message when it cannot. */
    void open() throws CameraException;

    /**
     * Blocks until the next frame. Returns null at the end of a finite source. The returned Mat is owned
     * by the caller (copied out of decoder buffers).
     */
    org.bytedeco.opencv.opencv_core.Mat grab() throws CameraException;

    /** Frames per second the source declares, or 0 when unknown. */
    double frameRate();

    /** Rewinds a finite source to its start; false when it cannot. */
    default boolean rewind() throws CameraException { return false; }

    /** A description safe to log: credentials masked. */
    String describe();

    @Override
    void close();
}
