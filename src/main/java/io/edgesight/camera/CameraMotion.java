package io.edgesight.camera;

import io.edgesight.motion.MotionGate;
import io.edgesight.motion.MotionMode;
import io.edgesight.motion.MotionSettings;
import io.edgesight.stats.PipelineTracker;

/**
 * One running camera's motion gate and where its skipped frames are counted (the camera's state, the pipeline
 * tracker). Created with the camera's pipeline thread, used and closed by it alone.
 */
final class CameraMotion implements AutoCloseable {
    private final MotionGate gate;
    private final CameraState state;
    private final PipelineTracker tracker;

    CameraMotion(MotionSettings settings, CameraState state, PipelineTracker tracker) {
        this.gate = new MotionGate(settings);
        this.state = state;
        this.tracker = tracker;
    }

    boolean gated() { return gate.settings().mode() != MotionMode.off; }

    /** The gate's decision for {@code frame}; a frame left out is counted. */
    MotionGate.Reason decide(Frame frame) {
        MotionGate.Reason r = gate.decide(frame.image(), frame.captureNanos());
        if (!r.infer()) {
            state.skippedNoMotion.increment();
            tracker.frameSkippedNoMotion(frame.cameraId());
        }
        return r;
    }

    @Override
    public void close() { gate.close(); }
}
