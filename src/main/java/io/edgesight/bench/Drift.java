package io.edgesight.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether a series sampled over a long run (RSS, heap) is flat. After the warm-up: the fitted trend (least-squares
 * slope times the measured span, relative to the median), the deviation of the run's stretches from the median
 * (the post-warm-up samples cut into {@value #WINDOWS} consecutive windows, each summarised by its median, so one
 * transient peak of the allocator does not decide) and, for the record, the single largest deviation. Steady growth
 * beyond the tolerance is a leak; stretches off the median without a trend are reported as not flat.
 */
public record Drift(String name, int samples, double median, double maxDeviation, double peakDeviation, double trend,
                    double tolerance) {
    static final int WINDOWS = 5;
    static final int COUNT_SLACK = 2;


    /** {@code t} sample times (any unit), {@code v} values; the first {@code warmupFraction} of the samples is skipped. */
    public static Drift of(String name, double[] t, double[] v, double warmupFraction, double tolerance) {
        if (t.length != v.length) throw new IllegalArgumentException("times and values differ in length");
        int from = Math.min(v.length, (int) Math.floor(v.length * warmupFraction));
        double[] ts = Arrays.copyOfRange(t, from, t.length);
        double[] vs = Arrays.copyOfRange(v, from, v.length);
        if (vs.length < 2) return new Drift(name, vs.length, vs.length == 1 ? vs[0] : 0, 0, 0, 0, tolerance);
        double median = median(vs);
        double peak = 0;
        for (double x : vs) peak = Math.max(peak, Math.abs(x - median));
        double maxDev = 0;
        int windows = Math.min(WINDOWS, vs.length);
        for (int w = 0; w < windows; w++) {
            double[] part = Arrays.copyOfRange(vs, w * vs.length / windows, (w + 1) * vs.length / windows);
            maxDev = Math.max(maxDev, Math.abs(median(part) - median));
        }
        double mt = Arrays.stream(ts).average().orElse(0), mv = Arrays.stream(vs).average().orElse(0);
        double num = 0, den = 0;
        for (int i = 0; i < vs.length; i++) {
            num += (ts[i] - mt) * (vs[i] - mv);
            den += (ts[i] - mt) * (ts[i] - mt);
        }
        double slope = den == 0 ? 0 : num / den;
        double span = ts[ts.length - 1] - ts[0];
        return median == 0 ? new Drift(name, vs.length, 0, 0, 0, 0, tolerance)
                : new Drift(name, vs.length, median, maxDev / median, peak / median, slope * span / median, tolerance);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Grows by more than the tolerance over the run (the fitted trend, not one outlier). */
    public boolean growing() {
        return trend > tolerance;
    }

    /** Every stretch of the run after the warm-up within the tolerance of the median, and no growing trend. */
    public boolean flat() {
        return !growing() && maxDeviation <= tolerance;
    }

    public String verdict() {
        int tol = (int) Math.round(tolerance * 100);
        if (growing()) return String.format(Locale.ROOT, "GROWING: %s %+.1f %% over the run (%+.1f MB fitted, median %.1f MB)",
                name, trend * 100, trend * median / 1e6, median / 1e6);
        if (flat()) return String.format(Locale.ROOT, "flat within ±%d %% (%s: median %.1f MB, trend %+.1f %%, stretches ±%.1f %%, "
                + "largest single sample ±%.1f %%)", tol, name, median / 1e6, trend * 100, maxDeviation * 100, peakDeviation * 100);
        return String.format(Locale.ROOT, "NOT FLAT: %s stretches deviate ±%.1f %% from the median %.1f MB (trend %+.1f %%, no steady growth)",
                name, maxDeviation * 100, median / 1e6, trend * 100);
    }

    /**
     * A count (threads, descriptors, children) that stepped up and stayed up: after the warm-up, the smallest value
     * of the last quarter is more than {@value #COUNT_SLACK} above the largest of the first quarter. Jitter up and
     * down does not count, nor one pool thread started late; a leak per reconnect or per file does over a long run.
     */
    public static boolean countGrows(long[] v, double warmupFraction) {
        int from = (int) Math.floor(v.length * warmupFraction);
        int n = v.length - from;
        if (n < 4) return false;
        int q = Math.max(1, n / 4);
        long firstMax = Long.MIN_VALUE, lastMin = Long.MAX_VALUE;
        for (int i = from; i < from + q; i++) firstMax = Math.max(firstMax, v[i]);
        for (int i = v.length - q; i < v.length; i++) lastMin = Math.min(lastMin, v[i]);
        return lastMin > firstMax + COUNT_SLACK;
    }
}
