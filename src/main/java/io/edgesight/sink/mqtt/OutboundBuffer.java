package io.edgesight.sink.mqtt;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, drop-oldest FIFO of outbound messages. {@link #offer} never blocks: when the buffer is full (by
 * message count or bytes) the oldest messages are dropped and counted, and the drops are logged at most once per
 * interval. One consumer {@link #peek peeks} at the head, delivers it, then {@link #remove removes} it, so a
 * message that fails stays at the head and is retried before anything newer (order is kept). The Kafka output
 * ({@code io.edgesight.sink.kafka}) shares the policy: it {@link #poll polls} a window of messages into the
 * producer and {@link #requeue puts back} at the head those the producer gave up on.
 */
public final class OutboundBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundBuffer.class);

    /** One message: body bytes and the headers the sending route set (topic, QoS, retain, ...). */
    public record Entry(byte[] body, Map<String, Object> headers, int qos, long enqueuedNanos) {}

    private final String name;
    private final String kind;
    private final String hint;
    private final int capacity;
    private final long maxBytes;
    private final long logIntervalNanos;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long bytes;
    /** Taken with {@link #poll} and not yet {@link #finished} or {@link #requeue requeued}: they count toward the bounds. */
    private int taken;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedQos0 = new AtomicLong();
    private long droppedSinceLog;
    private long lastLogNanos;
    private boolean logged;
    private long maxDepth;

    public OutboundBuffer(String name, int capacity, long maxBytes, long logIntervalMillis) {
        this(name, "MQTT", "is the broker reachable?", capacity, maxBytes, logIntervalMillis);
    }

    /** {@code kind} names the output in the drop log line ("MQTT", "Kafka"), {@code hint} says what to check. */
    public OutboundBuffer(String name, String kind, String hint, int capacity, long maxBytes, long logIntervalMillis) {
        if (capacity < 1) throw new IllegalArgumentException("buffer '" + name + "' needs room for at least one message");
        this.name = name;
        this.kind = kind;
        this.hint = hint;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.logIntervalNanos = TimeUnit.MILLISECONDS.toNanos(logIntervalMillis);
    }

    /** Adds a message; drops the oldest while the buffer is over its bounds. Never blocks. */
    public void offer(Entry e) {
        synchronized (this) {
            queue.addLast(e);
            bytes += e.body().length;
            while (queue.size() > 1 && (queue.size() + taken > capacity || (maxBytes > 0 && bytes > maxBytes))) {
                Entry old = queue.pollFirst();
                bytes -= old.body().length;
                dropped.incrementAndGet();
                droppedSinceLog++;
            }
            maxDepth = Math.max(maxDepth, queue.size() + taken);
            notifyAll();
        }
        logDropsIfDue();
    }

    /** The oldest message, waiting up to {@code timeoutMillis} for one; null when still empty. */
    public synchronized Entry peek(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (queue.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return queue.peekFirst();
    }

    /**
     * Takes the oldest message off the buffer, waiting up to {@code timeoutMillis}; null when still empty. Until it is
     * {@link #finished} or {@link #requeue requeued} it still counts toward the bounds (it is still waiting, only
     * elsewhere: in a producer), so the bound is one number however the waiting is split.
     */
    public synchronized Entry poll(long timeoutMillis) throws InterruptedException {
        Entry e = peek(timeoutMillis);
        if (e == null) return null;
        queue.pollFirst();
        taken++;
        return e;
    }

    /**
     * Puts messages taken with {@link #poll} back at the head, oldest first, to be sent again before anything newer;
     * over the bounds, the oldest are dropped and counted as for {@link #offer}.
     */
    public void requeue(java.util.List<Entry> oldestFirst) {
        synchronized (this) {
            for (int i = oldestFirst.size() - 1; i >= 0; i--) queue.addFirst(oldestFirst.get(i));
            taken -= oldestFirst.size();
            while (queue.size() > 1 && (queue.size() + taken > capacity || (maxBytes > 0 && bytes > maxBytes))) {
                Entry old = queue.pollFirst();
                bytes -= old.body().length;
                dropped.incrementAndGet();
                droppedSinceLog++;
            }
            notifyAll();
        }
        logDropsIfDue();
    }

    /** A message taken with {@link #poll} is delivered: it no longer counts toward the bounds. */
    public synchronized void finished(Entry e) {
        taken--;
        bytes -= e.body().length;
        delivered.incrementAndGet();
        notifyAll();
    }

    /** Removes {@code e} once delivered (or given up); false when it was dropped meanwhile. */
    public synchronized boolean remove(Entry e, boolean deliveredOk) {
        if (queue.peekFirst() != e) return false; // dropped as the oldest while being sent
        queue.pollFirst();
        bytes -= e.body().length;
        if (deliveredOk) delivered.incrementAndGet();
        else failedQos0.incrementAndGet();
        return true;
    }

    /** True while {@code e} is still waiting (it is only ever at the head, or gone). */
    public synchronized boolean contains(Entry e) {
        return queue.peekFirst() == e;
    }

    /** Logs the drops of the last interval in one line, at most once per interval. */
    public void logDropsIfDue() {
        long n;
        long total;
        synchronized (this) {
            long now = System.nanoTime();
            if (droppedSinceLog == 0 || (logged && now - lastLogNanos < logIntervalNanos)) return;
            logged = true;
            n = droppedSinceLog;
            droppedSinceLog = 0;
            lastLogNanos = now;
            total = dropped.get();
        }
        LOG.warn("{} outbound buffer '{}' is full ({} messages / {} bytes): dropped the {} oldest message(s) (total {}); {}",
                kind, name, capacity, maxBytes, n, total, hint);
    }

    /** Messages waiting: in the buffer, and taken but not yet delivered. */
    public synchronized int depth() { return queue.size() + taken; }
    public synchronized long bytes() { return bytes; }
    public synchronized long maxDepth() { return maxDepth; }
    public long dropped() { return dropped.get(); }
    public long delivered() { return delivered.get(); }
    public long failedQos0() { return failedQos0.get(); }
    public int capacity() { return capacity; }
    public long maxBytes() { return maxBytes; }
    public String name() { return name; }
}
