package io.edgesight.stats;

/** Events per second over the last {@code seconds} seconds, in one-second buckets (thread-safe). */
final class RateWindow {
    private final int seconds;
    private final long[] counts;
    private final long[] stamps;
    private long firstSecond = -1;

    RateWindow(int seconds) {
        this.seconds = Math.max(1, seconds);
        this.counts = new long[this.seconds + 1];
        this.stamps = new long[this.seconds + 1];
    }

    synchronized void add(long nowMillis, long n) {
        long sec = nowMillis / 1000;
        if (firstSecond < 0) firstSecond = sec;
        int i = (int) (sec % counts.length);
        if (stamps[i] != sec) {
            stamps[i] = sec;
            counts[i] = 0;
        }
        counts[i] += n;
    }

    /** The rate over the last complete seconds (the current, partial second is left out). */
    synchronized double perSecond(long nowMillis) {
        long sec = nowMillis / 1000;
        if (firstSecond < 0) return 0;
        long span = Math.min(seconds, sec - firstSecond);
        if (span <= 0) return 0;
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (stamps[i] < sec && stamps[i] >= sec - span) sum += counts[i];
        }
        return (double) sum / span;
    }
}
