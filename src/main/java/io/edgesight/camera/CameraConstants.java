package io.edgesight.camera;

/** Headers set on every frame exchange. */
public final class CameraConstants {
    public static final String CAMERA_ID = "EdgesightCameraId";
    public static final String FRAME_SEQ = "EdgesightFrameSeq";
    /** Capture time, epoch milliseconds. */
    public static final String CAPTURE_TIME = "EdgesightCaptureTime";
    public static final String FRAME_WIDTH = "EdgesightFrameWidth";
    public static final String FRAME_HEIGHT = "EdgesightFrameHeight";
    /** Set by the motion gate of a gated camera: why the frame was inferred or left out (motion, keepAlive, still ...). */
    public static final String MOTION = "EdgesightMotion";

    private CameraConstants() {}
}
