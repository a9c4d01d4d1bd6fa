package io.edgesight.bench;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.edgesight.engine.Engine;
import io.edgesight.engine.EngineRegistry;
import org.apache.camel.Exchange;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Bench only: the deliberately leaking variant of {@code bench soak --leak tensors}. A step after the engine
 * (added to a copy of the routes, never to the real ones) that, for every batch, creates a native TensorFlow
 * tensor of one input row ([1, h, w, c] float32, filled) and never closes it: the bug "a tensor not closed".
 * They are kept reachable, as a forgotten cache would keep them, so the garbage collector cannot hide the leak.
 */
public final class LeakyTensors {
    private static final Queue<TFloat32> KEPT = new ConcurrentLinkedQueue<>();
    private static final AtomicLong BYTES = new AtomicLong();

    public void leak(Exchange exchange, String model) {
        Engine e = EngineRegistry.lookup(exchange.getContext()).engine(model);
        TFloat32 t = TFloat32.tensorOf(Shape.of(1, e.height(), e.width(), e.channels()));
        float[] row = new float[(int) t.size()];
        java.util.Arrays.fill(row, 0.5f);
        t.asRawTensor().data().asFloats().write(row); // touched, so the pages count in RSS
        KEPT.add(t);
        BYTES.addAndGet(t.numBytes());
    }

    /** Native bytes leaked so far. */
    static long leakedBytes() {
        return BYTES.get();
    }

    static int leakedTensors() {
        return KEPT.size();
    }

    /** Frees what was leaked, so a later run in the same JVM starts clean. */
    static void release() {
        KEPT.forEach(TFloat32::close);
        KEPT.clear();
        BYTES.set(0);
    }
}
