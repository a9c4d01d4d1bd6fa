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
import io.edgesight.testing.DetectorSample;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.PayloadSchema;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imported COCO detector through the whole pipeline, as a user runs it: a camera reading a folder of real
 * photographs (from Debian packages) -> letterbox -> batch -> infer -> detection decoding -> MQTT. Every photo's
 * obvious object arrives with its COCO label and a box inside the photo.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class DetectorPipelineTest {

    @Test
    void realPhotosThroughThePipelineArriveOnMqttWithCocoLabelsAndBoxes(@TempDir Path tmp) throws Exception {
        Path model = DetectorSample.model();
        Path photos = DetectorSample.photos();
        Path routes = Files.createDirectories(tmp.resolve("routes")); // no routes of its own: cameras and models are keys

        Map<String, String> o = new LinkedHashMap<>();
        String m = "edgesight.models.detector.";
        o.put(m + "decoder", "detection");
        o.put(m + "path", model.toString());
        o.put(m + "labels", model.resolve("labels.txt").toString());
        o.put(m + "batch-size", "1");
        o.put(m + "resize", "letterbox");
        o.put(m + "channel-order", "RGB");
        o.put(m + "normalize", "raw");
        o.put(m + "box-format", "xyxy-score-class");
        o.put(m + "box-coordinates", "pixels");
        o.put(m + "min-score", "0.3");
        o.put(m + "iou-threshold", "0.4");
        o.put(m + "max-detections", "10");
        o.put("edgesight.cameras.photos.url", "folder:" + photos.toAbsolutePath());
        o.put("edgesight.cameras.photos.model", "detector");
        o.put("edgesight.cameras.sample.url", ""); // no sample camera
        o.put("edgesight.output.dir", tmp.resolve("out").toString());
        o.put("edgesight.engine.dir", "target/test-engines");
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
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> mqtt.messages().size() >= 5);

            // photos in file-name order
            String[] expected = {"person", "cat", "cup", "person", "motorcycle"};
            List<JsonNode> payloads = new ArrayList<>();
            for (MqttCollector.Received r : mqtt.messages()) {
                PayloadSchema.assertValidPayload(r.payload());
                payloads.add(new ObjectMapper().readTree(r.payload()));
            }
            assertThat(payloads).hasSize(5);
            for (int i = 0; i < 5; i++) {
                JsonNode p = payloads.get(i);
                assertThat(p.get("seq").asInt()).isEqualTo(i);
                JsonNode best = p.get("predictions").get(0);
                System.out.printf("photo %d (%dx%d): %s%n", i, p.get("frame").get("width").asInt(),
                        p.get("frame").get("height").asInt(), p.get("predictions"));
                assertThat(best.get("label").asText()).as("photo %d", i).isEqualTo(expected[i]);
                assertThat(best.get("score").asDouble()).isGreaterThan(0.3);
                JsonNode box = best.get("box");
                int w = p.get("frame").get("width").asInt(), h = p.get("frame").get("height").asInt();
                assertThat(box.get("x1").asDouble()).isBetween(0.0, (double) w);
                assertThat(box.get("x2").asDouble()).isBetween(box.get("x1").asDouble(), (double) w);
                assertThat(box.get("y1").asDouble()).isBetween(0.0, (double) h);
                assertThat(box.get("y2").asDouble()).isBetween(box.get("y1").asDouble(), (double) h);
                // the obvious object is big: at least a tenth of the photo
                double area = (box.get("x2").asDouble() - box.get("x1").asDouble()) * (box.get("y2").asDouble() - box.get("y1").asDouble());
                assertThat(area).isGreaterThan(0.1 * w * h);
            }
        }
    }
}
