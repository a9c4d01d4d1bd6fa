package io.edgesight.camera;

/** What a camera is doing, as published retained on {@code <prefix>/<camera>/status}. */
public enum CameraStatus {
    /** Frames are arriving. */
    online,
    /** Not delivering frames: not opened yet, lost, given up, failed permanently, finished or stopped (see reason). */
    offline,
    /** Lost, and trying to open the source again (with backoff). */
    reconnecting,
    /** Removed while edgesight runs (DELETE /api/cameras/<id>); its frames in flight were published first. */
    removed
}
