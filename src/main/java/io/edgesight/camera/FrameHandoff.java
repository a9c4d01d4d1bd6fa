package io.edgesight.camera;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between a camera's reader thread and the thread that runs the route. With
 * {@link DropPolicy#dropOldest} the reader never waits: a full hand-off drops its oldest frame, counts it and frees
 * its native memory at once. With {@link DropPolicy#block} the reader waits for room.
 */
final class FrameHandoff {
    private final int capacity;
    private final DropPolicy policy;
    private final ArrayDeque<Frame> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final LongAdder dropped = new LongAdder();
    private volatile int highWater;
    private boolean closed;

    FrameHandoff(int capacity, DropPolicy policy) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
        this.policy = policy;
        this.queue = new ArrayDeque<>(capacity);
    }

    /**
     * Hands a frame over. Returns the frame dropped to make room (already closed), or null. A closed hand-off
     * closes the frame and returns it as dropped.
     */
    Frame offer(Frame frame) throws InterruptedException {
        Frame victim = null;
        lock.lockInterruptibly();
        try {
            if (policy == DropPolicy.block) {
                while (queue.size() >= capacity && !closed) notFull.await();
            } else if (queue.size() >= capacity) {
                victim = queue.pollFirst();
            }
            if (closed) {
                frame.close();
                return frame;
            }
            queue.addLast(frame);
            if (queue.size() > highWater) highWater = queue.size();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        if (victim != null) {
            victim.close(); // native pixels freed now, not when the GC gets to it
            dropped.increment();
        }
        return victim;
    }

    /** The oldest frame; waits up to the timeout. Null when closed and empty, or on timeout. */
    Frame poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (closed || nanos <= 0) return null;
                nanos = notEmpty.awaitNanos(nanos);
            }
            Frame f = queue.pollFirst();
            notFull.signal();
            return f;
        } finally {
            lock.unlock();
        }
    }

    /** No more frames will be offered; waiting readers and takers wake up. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosedAndEmpty() {
        lock.lock();
        try {
            return closed && queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Frees every frame still waiting (on stop); returns how many. */
    int clear() {
        lock.lock();
        try {
            int n = queue.size();
            for (Frame f : queue) f.close();
            queue.clear();
            notFull.signalAll();
            return n;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    int capacity() { return capacity; }
    DropPolicy policy() { return policy; }
    long dropped() { return dropped.sum(); }
    /** The most frames that ever waited at once: never more than the capacity. */
    int highWater() { return highWater; }
}
