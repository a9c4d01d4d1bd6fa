package io.edgesight.engine;

import io.edgesight.preprocess.PreparedFrame;

/**
 * One frame's share of an engine run: the primary output's row plus what the decoder and payload need
 * (where the frame came from, how it was resized, how long each stage took). {@code outputs} is the whole run
 * (every output, every row) and {@code row} this frame's index in it, for decoders that read several outputs.
 */
public record InferredFrame(String modelId, PreparedFrame frame, float[] output, int batchSize, int batchFill,
                            long batchWaitNanos, long queueNanos, long inferenceNanos, long inferenceEpochMillis,
                            Outputs outputs, int row) {

    /** A frame of a one-output run (tests, benchmarks): {@code output} is all there is. */
    public InferredFrame(String modelId, PreparedFrame frame, float[] output, int batchSize, int batchFill,
                         long batchWaitNanos, long queueNanos, long inferenceNanos, long inferenceEpochMillis) {
        this(modelId, frame, output, batchSize, batchFill, batchWaitNanos, queueNanos, inferenceNanos,
                inferenceEpochMillis, Outputs.of("output", new long[] {1, output.length}, output), 0);
    }
}
