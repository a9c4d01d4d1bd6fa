package io.edgesight.camera;

import io.edgesight.config.UserError;

/**
 * A camera that cannot be opened or read: the message names the camera and what to check. A
 * {@linkplain #isPermanent() permanent} problem (unknown scheme, a GStreamer element that does not exist) is not
 * retried; any other problem of a live source is retried with backoff.
 */
public class CameraException extends UserError {
    private final boolean permanent;

    public CameraException(String message) { this(message, null, false); }
    public CameraException(String message, Throwable cause) { this(message, cause, false); }

    public CameraException(String message, Throwable cause, boolean permanent) {
        super(message, cause);
        this.permanent = permanent;
    }

    /** A configuration problem that retrying cannot fix. */
    public static CameraException permanent(String message) {
        return new CameraException(message, null, true);
    }

    public boolean isPermanent() { return permanent; }
}
