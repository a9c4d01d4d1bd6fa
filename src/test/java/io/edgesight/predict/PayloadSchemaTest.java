package io.edgesight.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.testing.PayloadSchema;
import org.junit.jupiter.api.Test;

/** The payload records serialise to documents docs/payload.schema.json accepts, and the schema is strict. */
class PayloadSchemaTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A detection, as a decoder on another branch would produce it: a PredictionItem with a box. */
    record TestDetection(String label, int classId, double score, Box box) implements PredictionItem {}

    static Prediction prediction(List<? extends PredictionItem> items, List<OutputSummary> outputs) {
        return new Prediction(1, "node-1", "cam", 12, "2025-06-01T12:00:00.040Z", "2025-06-01T12:00:00.071Z", "m",
                new Prediction.EngineInfo("m-b4-FP32-0123456789ab", "tensorflow", "FP32"), new Prediction.FrameSize(640, 480),
                items, outputs, new Prediction.BatchInfo(4, 3), new Prediction.Timings(0.9, 3.1, 0.2, 5.4, 0.01, 31.2));
    }

    @Test
    void classificationPayload() throws Exception {
        String json = JSON.writeValueAsString(prediction(List.of(new Classification("cat", 0, 0.9), new Classification("dog", 1, 0.1)), null));
        PayloadSchema.assertValidPayload(json);
        assertThat(json).doesNotContain("outputs").doesNotContain("box");
    }

    @Test
    void detectionPayloadWithBoxes() throws Exception {
        String json = JSON.writeValueAsString(prediction(List.of(new TestDetection("person", 0, 0.8, new Box(10.5, 20, 110, 220))), null));
        PayloadSchema.assertValidPayload(json);
        assertThat(json).contains("\"box\":{\"x1\":10.5,\"y1\":20.0,\"x2\":110.0,\"y2\":220.0}");
    }

    @Test
    void rawPayload() throws Exception {
        OutputSummary s = new RawDecoder("features", new long[] {2, 2}, "float32").summarise(new float[] {1, 5, 2, 0});
        PayloadSchema.assertValidPayload(JSON.writeValueAsString(prediction(List.of(), List.of(s))));
    }

    @Test
    void schemaIsStrict() {
        String ok = "{\"schema\":1,\"node\":\"site1-box2\",\"camera\":\"c\",\"seq\":0,\"captureTime\":\"2025-06-01T12:00:00Z\",\"inferenceTime\":\"2025-06-01T12:00:00Z\","
                + "\"model\":\"m\",\"engine\":{\"id\":\"e\",\"runtime\":\"tensorflow\",\"precision\":\"FP32\"},\"frame\":{\"width\":1,\"height\":1},"
                + "\"predictions\":[],\"batch\":{\"size\":1,\"fill\":1},\"timings\":{\"preprocessMs\":0,\"batchWaitMs\":0,\"queueMs\":0,"
                + "\"inferenceMs\":0,\"decodeMs\":0,\"totalMs\":0}}";
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok)).isEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok.replace("\"schema\":1", "\"schema\":2"))).isNotEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok.replace("12:00:00Z\",\"inference", "12:00:00+02:00\",\"inference")))
                .as("UTC only").isNotEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok.replace("\"predictions\":[]",
                "\"predictions\":[{\"label\":\"a\",\"classId\":0,\"score\":1.5}]"))).as("score in [0,1]").isNotEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok.replace("\"predictions\":[]",
                "\"predictions\":[{\"label\":\"a\",\"classId\":0,\"score\":0.5,\"box\":{\"x1\":1}}]"))).as("whole box").isNotEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok.replace(",\"model\":\"m\"", ""))).isNotEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok.replace("\"node\":\"site1-box2\",", ""))).as("node required").isNotEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok.replace("site1-box2", "site1/box2"))).as("node: one topic level").isNotEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, ok.replace("\"seq\":0", "\"seq\":0,\"extra\":1"))).isNotEmpty();
    }
}
