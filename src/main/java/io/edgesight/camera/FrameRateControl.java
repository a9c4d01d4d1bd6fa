package io.edgesight.camera;

/**
 * Per-camera frame-rate control, applied before the hand-off: keep every Nth frame, and/or at most a target
 * number of frames per second. Time is the wall clock for live sources and the media clock (frame index / declared
 * rate) for files, so a file read as fast as possible is thinned the same way as when played in real time.
 */
final class FrameRateControl {
    private final double targetFps;
    private final int everyNth;
    private final long periodNanos;
    private long count;
    private long nextDueNanos = Long.MIN_VALUE;

    FrameRateControl(double targetFps, int everyNth) {
        this.targetFps = targetFps;
        this.everyNth = Math.max(1, everyNth);
        this.periodNanos = targetFps > 0 ? (long) (1e9 / targetFps) : 0;
    }

    boolean active() {
        return periodNanos > 0 || everyNth > 1;
    }

    /** Whether the frame at {@code timeNanos} goes on; called once for every frame the source delivers. */
    boolean accept(long timeNanos) {
        long n = count++;
        if (everyNth > 1 && n % everyNth != 0) return false;
        if (periodNanos <= 0) return true;
        // a small tolerance so that a source running exactly at the target rate (with jitter) is not halved
        if (nextDueNanos != Long.MIN_VALUE && timeNanos < nextDueNanos - periodNanos / 5) return false;
        if (nextDueNanos == Long.MIN_VALUE || timeNanos - nextDueNanos > periodNanos) {
            nextDueNanos = timeNanos + periodNanos; // first frame, or far behind: start again from now
        } else {
            nextDueNanos += periodNanos;
        }
        return true;
    }

    void reset() {
        count = 0;
        nextDueNanos = Long.MIN_VALUE;
    }

    double targetFps() { return targetFps; }
    int everyNth() { return everyNth; }
}
