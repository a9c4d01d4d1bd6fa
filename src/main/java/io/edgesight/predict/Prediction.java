package io.edgesight.predict;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The payload published for one frame: schema 1, documented in docs/PAYLOAD.md and specified by
 * docs/payload.schema.json. {@code outputs} is present only for the raw decoder.
 */
@JsonPropertyOrder({"schema", "camera", "seq", "captureTime", "inferenceTime", "model", "engine", "frame", "predictions",
        "outputs", "batch", "timings"})
public record Prediction(int schema, String camera, long seq, String captureTime, String inferenceTime, String model,
                         EngineInfo engine, FrameSize frame, List<? extends PredictionItem> predictions,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<OutputSummary> outputs,
                         BatchInfo batch, Timings timings) {

    public static final int SCHEMA = 1;

    /** The engine that ran the model: its cache id, the runtime, the precision it was built for. */
    public record EngineInfo(String id, String runtime, String precision) {}

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
