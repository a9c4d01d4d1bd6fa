package io.edgesight.camera;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Camel health check {@code camera:<id>}: DOWN while the camera is offline or reconnecting. */
public class CameraHealthCheck extends AbstractHealthCheck {
    private final CameraState state;

    public CameraHealthCheck(CameraState state) {
        super("camera", "camera:" + state.cameraId());
        this.state = state;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("camera", state.cameraId());
        builder.detail("status", state.status().name());
        builder.detail("reason", state.reason());
        builder.detail("framesDropped", state.dropped());
        if (state.error() != null) builder.detail("error", state.error());
        if (state.healthy()) {
            builder.up();
        } else {
            builder.message("camera '" + state.cameraId() + "' is " + state.status()
                    + (state.error() != null ? ": " + state.error() : ""));
            builder.down();
        }
    }
}
