package io.edgesight.bench;

import java.util.Arrays;

/** Latency percentiles of a run, in milliseconds. */
public record Stats(double p50, double p90, double p99, double mean) {
    public static Stats of(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0) / 1e6;
        return new Stats(pct(s, 0.50), pct(s, 0.90), pct(s, 0.99), mean);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
