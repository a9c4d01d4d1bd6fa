package io.edgesight.camera;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One kind of camera source (file, RTSP, GStreamer, V4L2, MJPEG, image folder). The consumer drives it from a
 * single reader thread: open, grab until null or an error, close; a live source is then opened again (reconnect).
 * Every kind has its own URI form, see docs/CAMERAS.md.
 */
public interface FrameSource extends AutoCloseable {

    /** Opens the source; throws {@link CameraException} with a user-facing message naming the camera when it cannot. */
    void open() throws CameraException;

    /**
     * Blocks until the next frame (8-bit BGR). Returns null at the end of the input: the end of a finite source,
     * or a live stream that stopped (the consumer reconnects). The returned Mat is owned by the caller.
     */
    Mat grab() throws CameraException;

    /** Frames per second the source declares, or 0 when unknown. */
    double frameRate();

    /** Rewinds a finite source to its start; false when it cannot. */
    default boolean rewind() throws CameraException { return false; }

    /**
     * True for live sources (network streams, devices, GStreamer pipelines): they never block on the pipeline
     * (frames are dropped instead) and are reconnected after a read error or an end of stream.
     */
    default boolean live() { return false; }

    /**
     * Unblocks a {@link #grab()} in progress from another thread, as far as the kind allows (kills a child process,
     * closes a socket). Called on stop; {@link #close()} still follows on the reader thread.
     */
    default void abort() {}

    /** A description safe to log: credentials masked. */
    String describe();

    @Override
    void close();
}
