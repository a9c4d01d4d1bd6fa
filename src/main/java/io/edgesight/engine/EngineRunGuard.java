package io.edgesight.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one model's batches with a time limit. A run that takes longer fails its batch; the native call cannot be
 * cancelled, so it keeps the batch memory until it returns (freeing it earlier would let the engine read freed
 * memory), and batches arriving meanwhile fail at once instead of piling up behind it.
 */
final class EngineRunGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineRunGuard.class);

    private final String model;
    private final long timeoutMillis;
    private ExecutorService worker;
    private Future<Outputs> timedOut;

    EngineRunGuard(String model, long timeoutMillis) {
        this.model = model;
        this.timeoutMillis = timeoutMillis;
    }

    /** Runs the batch and closes it (now, or when a timed-out run returns). One caller at a time. */
    synchronized Outputs run(Engine engine, Batch batch) {
        if (timeoutMillis <= 0) {
            try {
                return engine.runAll(batch.memory(), batch.size());
            } finally {
                batch.close();
            }
        }
        if (timedOut != null) {
            if (!timedOut.isDone()) {
                batch.close();
                throw new EngineException("engine '" + model + "' is still in a run that timed out; batch not run");
            }
            timedOut = null;
            LOG.info("engine '{}': the run that timed out has returned; batches run again", model);
        }
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "infer-" + model);
                t.setDaemon(true);
                return t;
            });
        }
        Future<Outputs> f = worker.submit(() -> {
            try {
                return engine.runAll(batch.memory(), batch.size());
            } finally {
                batch.close();
            }
        });
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            timedOut = f;
            throw new EngineException("engine '" + model + "' did not finish a batch within " + timeoutMillis
                    + " ms (edgesight.engine.timeout-ms)");
        } catch (InterruptedException e) {
            timedOut = f;
            Thread.currentThread().interrupt();
            throw new EngineException("engine '" + model + "': interrupted while waiting for a batch");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new EngineException("engine '" + model + "' failed: " + e.getCause(), e.getCause());
        }
    }

    /** True while a run that timed out has not returned. */
    synchronized boolean stuck() {
        return timedOut != null && !timedOut.isDone();
    }

    @Override
    public synchronized void close() {
        if (worker != null) worker.shutdownNow();
        worker = null;
    }
}
