package io.edgesight.camera;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: initial, doubled after every failed attempt up to a maximum, each spread by +-jitter so many
 * cameras that lost the same network do not all come back at the same instant.
 */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final double jitter;
    private final int maxAttempts;

    /** @param maxAttempts 0 = unlimited */
    Backoff(long initialMs, long maxMs, double jitter, int maxAttempts) {
        this.initialMs = Math.max(1, initialMs);
        this.maxMs = Math.max(this.initialMs, maxMs);
        this.jitter = Math.max(0, Math.min(1, jitter));
        this.maxAttempts = maxAttempts;
    }

    /** Delay before attempt number {@code attempt} (1 = the first reconnect). */
    long delayMs(int attempt) {
        double base = initialMs * Math.pow(2, Math.min(30, Math.max(0, attempt - 1)));
        base = Math.min(base, maxMs);
        double spread = base * jitter;
        double d = base - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread;
        return Math.max(1, Math.min(maxMs, Math.round(d)));
    }

    /** True when attempt number {@code attempt} may still be made. */
    boolean allows(int attempt) {
        return maxAttempts <= 0 || attempt <= maxAttempts;
    }

    int maxAttempts() { return maxAttempts; }
}
