package io.edgesight.predict;

import java.time.Instant;
import java.util.List;

import io.edgesight.engine.InferredFrame;
import io.edgesight.preprocess.PreparedFrame;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The payload published for one frame: schema 1, documented in docs/PAYLOAD.md and specified by
 * docs/payload.schema.json. {@code node} is the edgesight that produced it (edgesight.node.id); {@code outputs} is
 * present only for the raw decoder.
 */
@JsonPropertyOrder({"schema", "node", "camera", "seq", "captureTime", "inferenceTime", "model", "engine", "frame", "predictions",
        "outputs", "batch", "timings"})
public record Prediction(int schema, String node, String camera, long seq, String captureTime, String inferenceTime, String model,
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

    /** The payload of one inferred frame, decoded in {@code decodeNanos}; total time runs from capture to now. */
    public static Prediction of(String node, InferredFrame in, Decoder.Decoded decoded, EngineInfo engine, long decodeNanos) {
        PreparedFrame f = in.frame();
        return new Prediction(SCHEMA, node, f.cameraId(), f.seq(),
                Instant.ofEpochMilli(f.captureEpochMillis()).toString(),
                Instant.ofEpochMilli(in.inferenceEpochMillis()).toString(), in.modelId(), engine,
                new FrameSize(f.transform().sourceWidth(), f.transform().sourceHeight()),
                decoded.predictions(), decoded.outputs(),
                new BatchInfo(in.batchSize(), in.batchFill()),
                new Timings(ms(f.preprocessNanos()), ms(in.batchWaitNanos()), ms(in.queueNanos()),
                        ms(in.inferenceNanos()), ms(decodeNanos), ms(System.nanoTime() - f.captureNanos())));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    public String topLabel() {
        return predictions.isEmpty() ? null : predictions.get(0).label();
    }
}
