package io.edgesight.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.app.EdgesightApp;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.PayloadSchema;
import io.edgesight.testing.Ports;
import io.edgesight.testing.TestModels;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with the TF Object Detection API's four outputs (a generated SavedModel: detection_boxes, _scores,
 * _classes, num_detections) through the whole pipeline as a user runs it, with no box-format set: a folder camera
 * of 640x480 pictures -> letterbox into 300x300 -> batches of 2 -> TensorFlow -> the OD API layout, inferred from
 * the output names -> MQTT. Every payload carries exactly the model's detections, boxes in source pixels.
 */
class OdApiPipelineTest {

    @Test
    void fourOutputModelArrivesOnMqttWithBoxesInSourcePixels(@TempDir Path tmp) throws Exception {
        // K = 4: a person, a car, one below min-score, one past num_detections (3)
        float[] boxes = {0.25f, 0.1f, 0.75f, 0.5f, 0.5f, 0.6f, 0.9f, 0.9f, 0.1f, 0.1f, 0.2f, 0.2f, 0f, 0f, 1f, 1f};
        float[] scores = {0.9f, 0.7f, 0.2f, 0.99f};
        float[] classes = {1, 3, 2, 2}; // label map ids from 1
        Path model = TestModels.odApi(tmp.resolve("ssd"), 300, 300, boxes, scores, classes, 3);
        Path labels = Files.write(tmp.resolve("labels.txt"), List.of("person", "bicycle", "car"));
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        for (int i = 0; i < 3; i++) {
            try (Scalar c = new Scalar(40 * i, 90, 160, 0); Mat m = new Mat(480, 640, org.bytedeco.opencv.global.opencv_core.CV_8UC3, c)) {
                opencv_imgcodecs.imwrite(photos.resolve("frame-" + i + ".png").toString(), m);
            }
        }
        Path routes = Files.createDirectories(tmp.resolve("routes")); // no routes of its own: cameras and models are keys

        Map<String, String> o = new LinkedHashMap<>();
        String m = "edgesight.models.detector.";
        o.put(m + "decoder", "detection");
        o.put(m + "path", model.toString());
        o.put(m + "labels", labels.toString());
        o.put(m + "batch-size", "2");
        o.put(m + "resize", "letterbox");
        o.put(m + "normalize", "raw");
        o.put(m + "min-score", "0.3");
        o.put("edgesight.batch.timeout-ms", "200");
        o.put("edgesight.cameras.photos.url", "folder:" + photos.toAbsolutePath());
        o.put("edgesight.cameras.photos.model", "detector");
        o.put("edgesight.cameras.sample.url", ""); // no sample camera
        o.put("edgesight.output.dir", tmp.resolve("out").toString());
        o.put("edgesight.engine.dir", tmp.resolve("engines").toString());
        o.put("edgesight.sample.video", "target/test-video/shapes.mp4");
        int http = Ports.free();
        o.put("camel.server.port", Integer.toString(http));
        o.put("camel.management.port", Integer.toString(http));

        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector mqtt = new MqttCollector(broker.url(), "edgesight/photos/predictions")) {
            o.put("edgesight.mqtt.broker-url", broker.url());
            EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(Path.of("config/application.properties"),
                    routes, 0, 300, o));
            assertThat(app.run()).isZero();
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> mqtt.messages().size() >= 3);

            List<JsonNode> payloads = new ArrayList<>();
            for (MqttCollector.Received r : mqtt.messages()) {
                PayloadSchema.assertValidPayload(r.payload());
                payloads.add(new ObjectMapper().readTree(r.payload()));
            }
            assertThat(payloads).hasSize(3);
            // 640x480 letterboxed into 300x300: scale 0.46875, picture 300x225, padY (300 - 225) / 2 = 37
            for (JsonNode p : payloads) {
                System.out.println("frame " + p.get("seq") + ": " + p.get("predictions"));
                JsonNode preds = p.get("predictions");
                assertThat(preds).hasSize(2);
                // person: x 0.1*300 = 30 .. 150 -> 64 .. 320; y 75 .. 225 -> (75-37)/0.46875 = 81.07 .. 401.07
                assertPrediction(preds.get(0), "person", 1, 0.9, 64, 81.1, 320, 401.1);
                // car: x 180 .. 270 -> 384 .. 576; y 150 .. 270 -> 241.07 .. 497.07, clipped to the 480 rows
                assertPrediction(preds.get(1), "car", 3, 0.7, 384, 241.1, 576, 480);
            }
        }
    }

    static void assertPrediction(JsonNode p, String label, int classId, double score, double x1, double y1, double x2, double y2) {
        assertThat(p.get("label").asText()).isEqualTo(label);
        assertThat(p.get("classId").asInt()).isEqualTo(classId);
        assertThat(p.get("score").asDouble()).isCloseTo(score, org.assertj.core.api.Assertions.within(1e-6));
        JsonNode b = p.get("box");
        assertThat(new double[] {b.get("x1").asDouble(), b.get("y1").asDouble(), b.get("x2").asDouble(), b.get("y2").asDouble()})
                .containsExactly(x1, y1, x2, y2);
    }
}
