package io.edgesight.engine;

import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.TensorLayout;
import io.edgesight.preprocess.TensorWriter;

/**
 * A model loaded in one runtime for one batch size: what the pipeline needs from TensorFlow Java ({@link TfEngine})
 * and ONNX Runtime ({@link OrtEngine}) alike. The image input is known (size, layout, element type), batches live in
 * native memory that the {@link #writer()} fills in place, and {@link #runAll} returns every output the model's
 * signature names ({@link Outputs}); {@link #run} is the primary output's rows, one per real frame.
 *
 * <p>An engine implements {@link #outputs()} (every output, sorted by name), {@link #outputName()} (the primary
 * one: {@code edgesight.models.<id>.output}, else the first of {@link #outputs()}) and {@link #runAll}; the
 * primary output's row shape and rows follow from those.
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

    /**
     * The primary output: what classification and raw decoding read ({@code edgesight.models.<id>.output}, else
     * the first of {@link #outputs()}).
     */
    String outputName();

    /**
     * Every output the signature names, sorted by name, with its element type and full shape (batch dimension
     * first where there is one): as the first run (the warm-up) returned it, else as declared, -1 for unknown sizes.
     * Detection decoders pick their layout from these.
     */
    java.util.List<Outputs.Info> outputs();

    /** The primary output's shape for one frame (no batch dimension), as {@link #outputs()} gives it. */
    default long[] outputRowShape() {
        for (Outputs.Info i : outputs()) if (i.name().equals(outputName())) return i.rowShape();
        return new long[0];
    }

    /** Native memory for {@code rows} rows of the input; the caller closes it. */
    BatchMemory allocateBatch(int rows);

    /**
     * Runs {@code rows} filled rows of {@code batch} (capacity {@link #batchSize()}) and returns every output in
     * {@link #outputs()} order, as float32 values with the shapes this run produced. A fixed-batch model's outputs
     * include its padding rows; callers read rows {@code 0 .. rows-1} only.
     */
    Outputs runAll(BatchMemory batch, int rows);

    /** The primary output of {@link #runAll}: one row per filled row; padding rows never produce output. */
    default float[][] run(BatchMemory batch, int rows) {
        return runAll(batch, rows).rows(outputName(), rows);
    }

    /** Runs one all-zero batch of the exact engine shape, so the first camera frame does not pay for setup. */
    long warmUp();

    @Override
    void close();
}
