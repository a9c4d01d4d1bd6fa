package io.edgesight.motion;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decides, frame by frame, whether one camera's frame is inferred: always in mode off; in mode on when it shows
 * motion; in mode trigger while motion was seen within the post-motion duration. While still, one frame every
 * keep-alive interval is inferred all the same (the predictions of a still scene stay fresh). The first frame is
 * always inferred. Time is the frame's capture clock in nanoseconds. One instance per camera, used by one thread.
 */
public final class MotionGate implements AutoCloseable {

    /** Why a frame was inferred or skipped. */
    public enum Reason {
        off(true), first(true), motion(true), trigger(true), keepAlive(true), still(false), lighting(false);

        private final boolean infer;

        Reason(boolean infer) { this.infer = infer; }

        /** True when the frame goes on to preprocess and inference. */
        public boolean infer() { return infer; }
    }

    private final MotionSettings settings;
    private final MotionDetector detector;
    private long lastInferNanos;
    private long lastMotionNanos;
    private boolean inferred;
    private boolean sawMotion;
    private MotionDetector.Result last;

    public MotionGate(MotionSettings settings) {
        this.settings = settings;
        this.detector = settings.mode() == MotionMode.off ? null : new MotionDetector(settings);
    }

    public MotionSettings settings() { return settings; }

    /** The detector's finding for the last frame decided (null in mode off). */
    public MotionDetector.Result last() { return last; }

    /** Whether {@code frame}, captured at {@code nanos}, is inferred, and why. */
    public Reason decide(Mat frame, long nanos) {
        if (detector == null) return Reason.off;
        MotionDetector.Result r = detector.detect(frame);
        last = r;
        Reason reason = switch (r.kind()) {
            case first -> Reason.first;
            case motion -> Reason.motion;
            case lighting -> Reason.lighting;
            case still -> Reason.still;
        };
        if (r.kind() == MotionDetector.Kind.motion) {
            lastMotionNanos = nanos;
            sawMotion = true;
        } else if (settings.mode() == MotionMode.trigger && sawMotion
                && nanos - lastMotionNanos <= settings.durationMs() * 1_000_000L) {
            reason = Reason.trigger;
        }
        if (!reason.infer() && inferred && settings.keepAliveMs() > 0
                && nanos - lastInferNanos >= settings.keepAliveMs() * 1_000_000L) {
            reason = Reason.keepAlive;
        }
        if (reason.infer()) {
            inferred = true;
            lastInferNanos = nanos;
        }
        return reason;
    }

    @Override
    public void close() {
        if (detector != null) detector.close();
    }
}
