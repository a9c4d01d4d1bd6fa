package io.edgesight.predict;

import java.time.Instant;
import java.util.List;

import io.edgesight.engine.InferredFrame;
import io.edgesight.preprocess.PreparedFrame;
import io.edgesight.stats.Observed;

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
                         BatchInfo batch, Timings timings) implements Observed {

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

    // what the statistics read (io.edgesight.stats.Observed); not JSON properties: Jackson serialises the components

    @Override public String engineId() { return engine == null ? null : engine.id(); }
    @Override public int batchSize() { return batch.size(); }
    @Override public int batchFill() { return batch.fill(); }
    @Override public double inferenceMs() { return timings.inferenceMs(); }
    @Override public double totalMs() { return timings.totalMs(); }

    @Override
    public List<java.util.Map<String, Object>> items() {
        List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        for (PredictionItem it : predictions) {
            java.util.Map<String, Object> pi = new java.util.LinkedHashMap<>();
            pi.put("label", it.label());
            pi.put("score", it.score());
            if (it.box() != null) pi.put("box", it.box());
            out.add(pi);
        }
        return out;
    }

    public String topLabel() {
        return predictions.isEmpty() ? null : predictions.get(0).label();
    }
}
