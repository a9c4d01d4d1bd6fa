package io.edgesight.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.edgesight.engine.TfEngine;
import io.edgesight.preprocess.PreparedFrame;
import org.tensorflow.Tensor;
import org.tensorflow.TensorMemory;

/**
 * Frames gathered for one engine run. Each frame is normalised straight into its row of the batch tensor
 * as it arrives, so a completed batch is ready to run with no further copy.
 */
public final class Batch implements AutoCloseable {
    private final String modelId;
    private final TfEngine engine;
    private final int capacity;
    private final List<PreparedFrame> frames;
    private Tensor tensor;
    private final long address;
    private long completedNanos;

    public Batch(String modelId, TfEngine engine) {
        this.modelId = modelId;
        this.engine = engine;
        this.capacity = engine.batchSize();
        this.frames = new ArrayList<>(capacity);
        this.tensor = engine.allocateBatch(capacity);
        this.address = TensorMemory.address(tensor);
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
    public Tensor tensor() { return tensor; }
    public long completedNanos() { return completedNanos; }
    void markCompleted() { completedNanos = System.nanoTime(); }

    @Override
    public void close() {
        Tensor t = tensor;
        tensor = null;
        if (t != null) t.close();
    }
}
