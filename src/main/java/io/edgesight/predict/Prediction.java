package io.edgesight.predict;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The payload published for one frame (schema 1, documented in docs/PAYLOAD.md). */
@JsonPropertyOrder({"schema", "camera", "seq", "captureTime", "inferenceTime", "model", "frame", "predictions", "batch", "timings"})
public record Prediction(int schema, String camera, long seq, String captureTime, String inferenceTime, String model,
                         FrameSize frame, List<Classification> predictions, BatchInfo batch, Timings timings) {

    public record FrameSize(int width, int height) {}

    public record BatchInfo(int size, int fill) {}

    /** Milliseconds spent in each stage. */
    @JsonPropertyOrder({"preprocessMs", "batchWaitMs", "queueMs", "inferenceMs", "decodeMs", "totalMs"})
    public record Timings(double preprocessMs, double batchWaitMs, double queueMs, double inferenceMs, double decodeMs,
                          double totalMs) {}

    public String topLabel() {
        return predictions.isEmpty() ? null : predictions.get(0).label();
    }
}
