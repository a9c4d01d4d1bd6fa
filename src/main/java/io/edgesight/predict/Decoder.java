package io.edgesight.predict;

import java.util.List;

import io.edgesight.engine.InferredFrame;

/**
 * Turns one frame's model output into payload content. One instance per model, built by {@link Decoders} once
 * the engine is loaded (so it knows the output's shape); {@link #decode} runs on the inference thread.
 */
public interface Decoder {

    /** The decoder's name, as configured with {@code edgesight.models.<id>.decoder}. */
    String name();

    Decoded decode(InferredFrame frame);

    /** Payload content: the ranked predictions, and output summaries (raw decoder only, else null). */
    record Decoded(List<? extends PredictionItem> predictions, List<OutputSummary> outputs) {}
}
