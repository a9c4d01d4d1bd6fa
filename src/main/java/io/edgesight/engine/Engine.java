package io.edgesight.engine;

import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.TensorLayout;
import io.edgesight.preprocess.TensorWriter;

/**
 * A model loaded in one runtime for one batch size: what the pipeline needs from TensorFlow Java ({@link TfEngine})
 * and ONNX Runtime ({@link OrtEngine}) alike. The image input is known (size, layout, element type), batches live in
 * native memory that the {@link #writer()} fills in place, and {@link #run} returns one output row per real frame.
 */
public interface Engine extends AutoCloseable {

    /** "tensorflow" or "onnxruntime" (also in manifests and logs). */
    String runtime();

    ModelSpec spec();

    int height();

    int width();

    int channels();

    /** Rows per run: the spec's batch size. */
    default int batchSize() { return spec().batchSize(); }

    /** True when the model's batch dimension is fixed (partial batches are zero-padded). */
    boolean fixedBatch();

    /** The layout of the image input (NHWC or NCHW). */
    TensorLayout layout();

    /** Writes one resized BGR frame into one row of a batch, in this engine's layout, type and normalisation. */
    TensorWriter writer();

    Normalization normalization();

    String inputName();

    String outputName();

    /** The decoded output's shape for one frame (no batch dimension), as the last run returned it. */
    long[] outputRowShape();

    /** Native memory for {@code rows} rows of the input; the caller closes it. */
    BatchMemory allocateBatch(int rows);

    /**
     * Runs {@code rows} filled rows of {@code batch} (capacity {@link #batchSize()}). Returns one output row per
     * filled row; padding rows never produce output.
     */
    float[][] run(BatchMemory batch, int rows);

    /** Runs one all-zero batch of the exact engine shape, so the first camera frame does not pay for setup. */
    long warmUp();

    @Override
    void close();
}
