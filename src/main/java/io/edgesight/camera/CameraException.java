package io.edgesight.camera;

import io.edgesight.app.UserError;

/** A camera that cannot be opened or read: the message names the camera and what to check. */
public class CameraException extends UserError {
    public CameraException(String message) { super(message); }
    public CameraException(String message, Throwable cause) { super(message, cause); }
}
