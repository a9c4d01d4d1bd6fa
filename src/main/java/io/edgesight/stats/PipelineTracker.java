package io.edgesight.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts frames in and out of the pipeline per camera, so a bounded run (--max-frames, a finite video)
 * can stop by itself once every emitted frame has been published, and so nothing is lost silently.
 */
public class PipelineTracker {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineTracker.class);
    public static final String BEAN = "pipeline";

    private final Map<String, Counters> cameras = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong firstEmittedNanos = new AtomicLong();
    private final AtomicLong lastPublishedNanos = new AtomicLong();

    static final class Counters {
        final LongAdder emitted = new LongAdder();
        final LongAdder published = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder dropped = new LongAdder();
        /** Emitted, then left out by the camera's motion gate: accounted for like a published frame. */
        final LongAdder skippedNoMotion = new LongAdder();
        volatile long lastSkippedMillis;
        volatile boolean finished;
        /** The source could not start or gave up: it counts as finished but does not make a run "drained". */
        volatile boolean sourceFailed;
    }

    public static PipelineTracker lookup(CamelContext context) {
        PipelineTracker t = context.getRegistry().lookupByNameAndType(BEAN, PipelineTracker.class);
        if (t == null) {
            t = new PipelineTracker();
            context.getRegistry().bind(BEAN, t);
        }
        return t;
    }

    private Counters of(String camera) {
        return cameras.computeIfAbsent(camera, c -> new Counters());
    }

    private final Map<String, Long> startedNanos = new ConcurrentHashMap<>();

    public void sourceStarted(String camera) {
        Counters c = of(camera);
        c.finished = false;
        c.sourceFailed = false;
    }

    /** The camera opens its source (Camel has started and its model is ready). */
    public void sourceOpening(String camera) {
        startedNanos.putIfAbsent(camera, System.nanoTime());
    }

    /** A live camera dropped a frame because the pipeline was busy (the frame never entered the route). */
    public void frameDropped(String camera) {
        of(camera).dropped.increment();
    }

    /** The camera could not start, or gave up reconnecting: it will emit nothing more. */
    public void sourceFailed(String camera) {
        Counters c = of(camera);
        c.sourceFailed = true;
        c.finished = true;
        progress();
    }

    public void frameEmitted(String camera) {
        firstEmittedNanos.compareAndSet(0, System.nanoTime());
        of(camera).emitted.increment();
    }

    /** Called by the routes once a frame's prediction has gone to every output. */
    public void framePublished(String camera) {
        lastPublishedNanos.set(System.nanoTime());
        of(camera).published.increment();
        progress();
    }

    /** The camera's motion gate left an emitted frame out: it will not be published, and that is not a loss. */
    public void frameSkippedNoMotion(String camera) {
        Counters c = of(camera);
        c.skippedNoMotion.increment();
        c.lastSkippedMillis = System.currentTimeMillis();
        progress();
    }

    public void frameFailed(String camera) {
        of(camera).failed.increment();
        progress();
    }

    public void sourceFinished(String camera, long frames) {
        of(camera).finished = true;
        progress();
    }

    private void progress() {
        lastProgressNanos.set(System.nanoTime());
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Seconds from the first frame read to the last frame published: what a throughput measurement divides by. */
    public double activeSeconds() {
        long first = firstEmittedNanos.get();
        long last = lastPublishedNanos.get();
        return first == 0 || last <= first ? 0 : (last - first) / 1e9;
    }

    public long totalPublished() {
        return cameras.values().stream().mapToLong(c -> c.published.sum()).sum();
    }

    /** nanoTime at which each camera first began to open its source. */
    public Map<String, Long> startedNanos() { return Map.copyOf(startedNanos); }

    public long emitted(String camera) { return of(camera).emitted.sum(); }
    public long published(String camera) { return of(camera).published.sum(); }
    public long failed(String camera) { return of(camera).failed.sum(); }
    public long dropped(String camera) { return of(camera).dropped.sum(); }
    public long skippedNoMotion(String camera) { return of(camera).skippedNoMotion.sum(); }
    /** Epoch milliseconds of the camera's last frame left out by its motion gate (0: none). */
    public long lastSkippedMillis(String camera) { return of(camera).lastSkippedMillis; }

    /** The cameras seen so far. */
    public java.util.Set<String> cameras() { return java.util.Set.copyOf(cameras.keySet()); }

    /** True once the camera's source has finished (end of a file, --max-frames). */
    public boolean finished(String camera) {
        Counters c = cameras.get(camera);
        return c != null && c.finished;
    }

    /**
     * True when at least one source ran, every source has finished and every frame is accounted for. Cameras
     * that failed count as finished, but a run in which every camera failed is not drained (it is an error).
     */
    public boolean drained() {
        if (cameras.isEmpty() || cameras.values().stream().allMatch(c -> c.sourceFailed)) return false;
        for (Counters c : cameras.values()) {
            if (!c.finished || done(c) < c.emitted.sum()) return false;
        }
        return true;
    }

    public boolean allSourcesFinished() {
        return !cameras.isEmpty() && cameras.values().stream().allMatch(c -> c.finished)
                && !cameras.values().stream().allMatch(c -> c.sourceFailed);
    }

    /**
     * Waits until {@link #drained()}; gives up when nothing moved for {@code idleMillis} after all sources
     * finished (a frame lost downstream must not hang a bounded run forever).
     */
    public boolean awaitDrained(long idleMillis) throws InterruptedException {
        synchronized (lock) {
            while (!drained()) {
                if (allSourcesFinished()
                        && System.nanoTime() - lastProgressNanos.get() > idleMillis * 1_000_000L) {
                    LOG.warn("stopping with frames unaccounted for: {}", summary());
                    return false;
                }
                lock.wait(200);
            }
        }
        return true;
    }

    /** True when every frame emitted so far has been published or counted as failed. */
    public boolean inFlightDone() {
        for (Counters c : cameras.values()) {
            if (done(c) < c.emitted.sum()) return false;
        }
        return true;
    }

    /** Frames emitted but not yet published nor failed. */
    public long inFlight() {
        return cameras.values().stream().mapToLong(c -> c.emitted.sum() - done(c)).sum();
    }

    /** Waits up to {@code millis} for {@link #inFlightDone()}; returns it. */
    public boolean awaitInFlight(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (lock) {
            while (!inFlightDone()) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return false;
                lock.wait(Math.min(left, 200));
            }
        }
        return true;
    }

    /** Waits up to {@code millis} until every frame the camera emitted is published or failed; returns whether it is. */
    public boolean awaitInFlight(String camera, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        Counters c = of(camera);
        synchronized (lock) {
            while (done(c) < c.emitted.sum()) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return false;
                lock.wait(Math.min(left, 200));
            }
        }
        return true;
    }

    /** Frames of the camera accounted for: published, failed or left out by its motion gate. */
    private static long done(Counters c) {
        return c.published.sum() + c.failed.sum() + c.skippedNoMotion.sum();
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        cameras.forEach((id, c) -> sb.append(sb.length() == 0 ? "" : ", ").append(id)
                .append(": emitted=").append(c.emitted.sum())
                .append(" published=").append(c.published.sum())
                .append(" failed=").append(c.failed.sum())
                .append(c.dropped.sum() > 0 ? " dropped=" + c.dropped.sum() : "")
                .append(c.skippedNoMotion.sum() > 0 ? " skipped_no_motion=" + c.skippedNoMotion.sum() : "")
                .append(c.sourceFailed ? " (source failed)" : ""));
        return sb.toString();
    }
}
