package io.edgesight.engine;

import io.edgesight.config.UserError;

/** A model that cannot be loaded or run as configured; the message names the model and the fix. */
public class EngineException extends UserError {
    public EngineException(String message) { super(message); }
    public EngineException(String message, Throwable cause) { super(message, cause); }
}
