package io.edgesight.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.predict.Box;
import io.edgesight.predict.Classification;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import io.edgesight.testing.PayloadSchema;
import org.junit.jupiter.api.Test;

/** The track step on payloads: detections get track ids per camera, the documents stay valid payloads. */
class TrackingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Det(String label, int classId, double score, Box box) implements PredictionItem {}

    static Prediction payload(String camera, long seq, List<? extends PredictionItem> items) {
        return new Prediction(1, "node-1", camera, seq, "2025-06-01T12:00:00.040Z", "2025-06-01T12:00:00.071Z", "m",
                new Prediction.EngineInfo("m-b1-FP32-0123456789ab", "tensorflow", "FP32"), new Prediction.FrameSize(640, 480),
                items, null, new Prediction.BatchInfo(1, 1), new Prediction.Timings(0.9, 3.1, 0.2, 5.4, 0.01, 31.2));
    }

    @Test
    void detectionsGetStableTrackIdsPerCameraInValidPayloads() throws Exception {
        Tracking tracking = new Tracking(TrackerConfig.defaults());
        Long first = null;
        for (int seq = 0; seq < 20; seq++) {
            Box b = new Box(100 + 2 * seq, 100, 140 + 2 * seq, 200);
            Prediction p = tracking.track(payload("door", seq, List.of(new Det("person", 0, 0.9, b))));
            String json = JSON.writeValueAsString(p);
            PayloadSchema.assertValidPayload(json);
            TrackedItem it = (TrackedItem) p.predictions().get(0);
            assertThat(it.trackId()).isNotNull();
            if (first == null) first = it.trackId();
            assertThat(it.trackId()).isEqualTo(first);
            assertThat(json).contains("\"trackId\":" + first).contains("\"stationary\":false");
        }
        // another camera has its own tracks: a new object there is not confirmed on its second frame yet
        tracking.track(payload("yard", 0, List.of(new Det("car", 2, 0.9, new Box(0, 0, 50, 50)))));
        Prediction yard = tracking.track(payload("yard", 1, List.of(new Det("car", 2, 0.9, new Box(0, 0, 50, 50)),
                new Det("car", 2, 0.9, new Box(300, 300, 350, 350)))));
        assertThat(yard.predictions()).extracting(i -> ((TrackedItem) i).trackId()).containsExactly(1L, null);
        PayloadSchema.assertValidPayload(JSON.writeValueAsString(yard));
    }

    @Test
    void classificationPassesUnchangedAndTrackingCanBeOff() {
        Prediction c = payload("door", 0, List.of(new Classification("cat", 0, 0.9)));
        assertThat(new Tracking(TrackerConfig.defaults()).track(c)).isSameAs(c);
        Prediction d = payload("door", 0, List.of(new Det("person", 0, 0.9, new Box(0, 0, 10, 10))));
        assertThat(new Tracking(null).track(d)).isSameAs(d);
    }

    @Test
    void theSchemaWantsTrackIdAndStationaryTogether() {
        String base = "{\"schema\":1,\"node\":\"n\",\"camera\":\"c\",\"seq\":0,\"captureTime\":\"2025-06-01T12:00:00Z\",\"inferenceTime\":\"2025-06-01T12:00:00Z\","
                + "\"model\":\"m\",\"engine\":{\"id\":\"e\",\"runtime\":\"tensorflow\",\"precision\":\"FP32\"},\"frame\":{\"width\":2,\"height\":2},"
                + "\"predictions\":[{\"label\":\"a\",\"classId\":0,\"score\":0.5,\"box\":{\"x1\":0,\"y1\":0,\"x2\":1,\"y2\":1}%s}],"
                + "\"batch\":{\"size\":1,\"fill\":1},\"timings\":{\"preprocessMs\":0,\"batchWaitMs\":0,\"queueMs\":0,\"inferenceMs\":0,\"decodeMs\":0,\"totalMs\":0}}";
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, base.formatted(",\"trackId\":3,\"stationary\":true"))).isEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, base.formatted(",\"trackId\":3"))).isNotEmpty();
        assertThat(PayloadSchema.errors(PayloadSchema.PAYLOAD, base.formatted(",\"trackId\":0,\"stationary\":true"))).isNotEmpty();
    }
}
