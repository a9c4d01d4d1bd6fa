package io.edgesight.engine;

import java.util.concurrent.TimeUnit;

import io.edgesight.stats.PipelineTracker;
import io.edgesight.preprocess.PreparedFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch the engine could not run: its frames count as failed (stats "failed", the final summary) and the
 * pipeline goes on with the next batch. Logged at once, then at most once per interval with the count since,
 * so a model that fails every batch does not flood the log.
 */
final class BatchFailures {
    private static final Logger LOG = LoggerFactory.getLogger(BatchFailures.class);

    private final String model;
    private final long intervalNanos;
    private long total;
    private long sinceLog;
    private long lastLogNanos;
    private boolean logged;

    BatchFailures(String model, long intervalMillis) {
        this.model = model;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    }

    void failed(Batch batch, RuntimeException error, PipelineTracker tracker) {
        for (PreparedFrame f : batch.frames()) tracker.frameFailed(f.cameraId());
        long n;
        long all;
        synchronized (this) {
            total++;
            sinceLog++;
            long now = System.nanoTime();
            if (logged && now - lastLogNanos < intervalNanos) return;
            logged = true;
            lastLogNanos = now;
            n = sinceLog;
            all = total;
            sinceLog = 0;
        }
        LOG.warn("engine '{}': {} batch(es) failed and were skipped (total {}; their frames count as failed), the next "
                + "batch runs: {}", model, n, all, message(error));
    }

    synchronized long total() { return total; }

    private static String message(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
