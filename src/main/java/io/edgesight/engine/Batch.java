package io.edgesight.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.edgesight.preprocess.PreparedFrame;

/**
 * Frames gathered for one engine run. Each frame is normalised straight into its row of the batch's native memory
 * (allocated by the engine, whatever its runtime) as it arrives, so a completed batch is ready to run with no
 * further copy.
 */
public final class Batch implements AutoCloseable {
    private final String modelId;
    private final Engine engine;
    private final int capacity;
    private final List<PreparedFrame> frames;
    private BatchMemory memory;
    private final long address;
    private long completedNanos;

    public Batch(String modelId, Engine engine) {
        this.modelId = modelId;
        this.engine = engine;
        this.capacity = engine.batchSize();
        this.frames = new ArrayList<>(capacity);
        this.memory = engine.allocateBatch(capacity);
        this.address = memory.address();
    }

    /** Writes the frame into the next row and frees its resized image. */
    public void add(PreparedFrame frame) {
        if (frames.size() == capacity) {
            throw new IllegalStateException("batch of model '" + modelId + "' is already full (" + capacity + ")");
        }
        engine.writer().write(frame.resized(), address + frames.size() * engine.writer().rowBytes());
        frame.close();
        frames.add(frame);
    }

    public String modelId() { return modelId; }
    public int size() { return frames.size(); }
    public int capacity() { return capacity; }
    public List<PreparedFrame> frames() { return Collections.unmodifiableList(frames); }
    /** The batch's input memory, to hand to {@link Engine#run}. */
    public BatchMemory memory() { return memory; }
    public long completedNanos() { return completedNanos; }
    /** The batcher completed the batch (its frames wait for the engine from now on). */
    public void markCompleted() { completedNanos = System.nanoTime(); }

    @Override
    public void close() {
        BatchMemory m = memory;
        memory = null;
        if (m != null) m.close();
    }
}
