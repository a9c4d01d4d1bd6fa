package io.edgesight.engine;

import io.edgesight.preprocess.PreparedFrame;

/**
 * One frame's share of an engine run: the raw output row plus what the decoder and payload need
 * (where the frame came from, how it was resized, how long each stage took).
 */
public record InferredFrame(String modelId, PreparedFrame frame, float[] output, int batchSize, int batchFill,
                            long batchWaitNanos, long queueNanos, long inferenceNanos, long inferenceEpochMillis) {
}
