package io.edgesight.cascade;

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
 * The second real detector and a two-level cascade through the whole pipeline, as a user configures them: a
 * folder camera on the Debian test photographs -> NanoDet (samples/detector/nanodet) -> its {@code person}
 * detections cropped for BlazeFace ({@code face.on = detector:person}) -> the faces cropped for GEAR's gender
 * ({@code gender.on = face:face}, batch size 4) -> one payload per photo on MQTT, valid against
 * docs/payload.schema.json, the faces nested under their person and the gender under its face.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class CascadePipelineTest {

    @Test
    void facesAndTheirGenderAreNestedUnderThePeopleOnThePhotos(@TempDir Path tmp) throws Exception {
        Path nanodet = DetectorSample.nanodet();
        Path photos = DetectorSample.photos();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.models.detector.path", nanodet.toString());
        o.put("edgesight.models.detector.classes", "!toilet");
        o.put("edgesight.models.face.path", DetectorSample.FACE.toString());
        o.put("edgesight.models.face.on", "detector:person");
        o.put("edgesight.models.gender.path", DetectorSample.GEAR.toString());
        o.put("edgesight.models.gender.on", "face:face");
        o.put("edgesight.models.gender.batch-size", "4");
        o.put("edgesight.batch.timeout-ms", "200");
        o.put("edgesight.cameras.photos.url", "folder:" + photos.toAbsolutePath());
        o.put("edgesight.cameras.photos.model", "detector");
        o.put("edgesight.cameras.sample.url", "");
        o.put("edgesight.output.dir", tmp.resolve("out").toString());
        o.put("edgesight.engine.dir", tmp.resolve("engines").toString());
        o.put("edgesight.sample.video", "target/test-video/shapes.mp4");
        int http = Ports.free();
        o.put("camel.server.port", Integer.toString(http));
        o.put("camel.management.port", Integer.toString(http));
        Path routes = Files.createDirectories(tmp.resolve("routes"));

        List<JsonNode> payloads = new ArrayList<>();
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector mqtt = new MqttCollector(broker.url(), "edgesight/photos/predictions")) {
            o.put("edgesight.mqtt.broker-url", broker.url());
            EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(Path.of("config/application.properties"), routes, 0, 300, o));
            assertThat(app.run()).isZero();
            Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> mqtt.messages().size() >= 5);
            Thread.sleep(500); // a sixth payload would be a frame published twice
            for (MqttCollector.Received r : mqtt.messages()) {
                PayloadSchema.assertValidPayload(r.payload());
                payloads.add(new ObjectMapper().readTree(r.payload()));
            }
        }
        assertThat(payloads).as("one payload per photo, published once after its cascades").hasSize(5);
        // folder order: astronaut, chelsea, coffee, grace_hopper, motorcycle_left
        Map<Long, JsonNode> bySeq = new LinkedHashMap<>();
        for (JsonNode p : payloads) bySeq.put(p.get("seq").asLong(), p);
        for (JsonNode p : bySeq.values()) {
            System.out.println("frame " + p.get("seq") + " (" + p.get("frame") + ", " + p.get("timings").get("totalMs") + " ms): "
                    + p.get("predictions"));
            for (JsonNode d : p.get("predictions")) {
                boolean person = d.get("label").asText().equals("person");
                assertThat(d.has("cascades")).as("only people are cropped for faces: " + d).isEqualTo(person);
            }
        }
        // NanoDet through the pipeline, boxes in photo pixels: what NanoDetAgreementTest prints for the sample's settings
        assertThat(bySeq.get(2L).get("predictions").get(0).get("label").asText()).as("coffee.png").isEqualTo("cup");
        assertThat(bySeq.get(3L).get("predictions")).extracting(d -> d.get("label").asText()).as("grace_hopper.jpg").contains("person", "tie");
        assertThat(bySeq.get(4L).get("predictions").get(0).get("label").asText()).as("motorcycle_left.png (NanoDet's best)").isEqualTo("vase");
        assertThat(bySeq.get(3L).get("frame").get("height").asInt()).isEqualTo(600);
        for (long seq : new long[] {0, 3}) { // the astronaut (Eileen Collins) and Grace Hopper
            JsonNode p = bySeq.get(seq);
            JsonNode person = p.get("predictions").get(0);
            assertThat(person.get("label").asText()).as(p.toString()).isEqualTo("person");
            JsonNode faces = person.get("cascades").get("face");
            System.out.println("frame " + seq + ": face batch " + faces.get("batch") + ", faces " + faces.get("predictions"));
            assertThat(faces.get("predictions")).as("a face in the person's crop").isNotEmpty();
            JsonNode face = faces.get("predictions").get(0);
            assertThat(face.get("score").asDouble()).isGreaterThanOrEqualTo(0.5);
            JsonNode pb = person.get("box"), fb = face.get("box");
            assertThat(fb.get("x1").asDouble()).as("the face is inside the person, in frame pixels").isGreaterThanOrEqualTo(pb.get("x1").asDouble() - 0.5);
            assertThat(fb.get("x2").asDouble()).isLessThanOrEqualTo(pb.get("x2").asDouble() + 0.5);
            assertThat(fb.get("y1").asDouble()).isGreaterThanOrEqualTo(pb.get("y1").asDouble() - 0.5);
            assertThat((fb.get("y1").asDouble() + fb.get("y2").asDouble()) / 2).as("a face is in the upper half of the person")
                    .isLessThan((pb.get("y1").asDouble() + pb.get("y2").asDouble()) / 2);
            JsonNode gender = face.get("cascades").get("gender");
            assertThat(face.get("cascades").get("gender").get("predictions").get(0).has("box")).as("a classification has no box").isFalse();
            System.out.println("frame " + seq + ": gender batch " + gender.get("batch") + ", " + gender.get("predictions"));
            assertThat(gender.get("batch").get("size").asInt()).isEqualTo(4);
            assertThat(gender.get("predictions")).hasSize(1);
            assertThat(gender.get("predictions").get(0).get("label").asText()).as("both are women").isEqualTo("female");
        }
    }

    /**
     * Batched across cameras: two cameras (the astronaut, Grace Hopper) on a detector of batch size 2 that finds a
     * person over each whole frame (a generated OD API graph); the parent's batch holds one frame of each camera,
     * so both faces go through the gender model in one run: fill 2 of 4 in both payloads.
     */
    @Test
    void facesOfTwoCamerasShareOneEngineRun(@TempDir Path tmp) throws Exception {
        Path photos = DetectorSample.photos();
        DetectorSample.model();
        Path people = io.edgesight.testing.TestModels.odApi(tmp.resolve("people"), 320, 320, new float[] {0, 0, 1, 1},
                new float[] {0.9f}, new float[] {1}, 1);
        Path labels = Files.write(tmp.resolve("labels.txt"), List.of("person"));
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.models.detector.path", people.toString());
        o.put("edgesight.models.detector.labels", labels.toString());
        o.put("edgesight.models.detector.decoder", "detection");
        o.put("edgesight.models.detector.batch-size", "2");
        o.put("edgesight.models.detector.normalize", "raw");
        o.put("edgesight.models.face.path", DetectorSample.FACE.toString());
        o.put("edgesight.models.face.on", "detector:person");
        o.put("edgesight.models.gender.path", DetectorSample.GEAR.toString());
        o.put("edgesight.models.gender.on", "face:face");
        o.put("edgesight.models.gender.batch-size", "4");
        o.put("edgesight.batch.timeout-ms", "3000"); // the batch waits for both cameras' frame
        for (String[] cam : new String[][] {{"a", "astronaut.png"}, {"b", "grace_hopper.jpg"}}) {
            Path dir = Files.createDirectories(tmp.resolve(cam[0]));
            Files.copy(photos.resolve(cam[1]), dir.resolve(cam[1]));
            o.put("edgesight.cameras." + cam[0] + ".url", "folder:" + dir.toAbsolutePath());
            o.put("edgesight.cameras." + cam[0] + ".model", "detector");
        }
        o.put("edgesight.cameras.sample.url", "");
        o.put("edgesight.output.dir", tmp.resolve("out").toString());
        o.put("edgesight.engine.dir", tmp.resolve("engines").toString());
        o.put("edgesight.sample.video", "target/test-video/shapes.mp4");
        int http = Ports.free();
        o.put("camel.server.port", Integer.toString(http));
        o.put("camel.management.port", Integer.toString(http));
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        List<JsonNode> payloads = new ArrayList<>();
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector mqtt = new MqttCollector(broker.url(), "edgesight/+/predictions")) {
            o.put("edgesight.mqtt.broker-url", broker.url());
            EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(Path.of("config/application.properties"), routes, 0, 300, o));
            assertThat(app.run()).isZero();
            Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> mqtt.messages().size() >= 2);
            Thread.sleep(500);
            for (MqttCollector.Received r : mqtt.messages()) {
                PayloadSchema.assertValidPayload(r.payload());
                payloads.add(new ObjectMapper().readTree(r.payload()));
            }
        }
        assertThat(payloads).hasSize(2);
        assertThat(payloads).extracting(p -> p.get("camera").asText()).containsExactlyInAnyOrder("a", "b");
        for (JsonNode p : payloads) {
            JsonNode person = p.get("predictions").get(0);
            assertThat(p.get("batch").get("fill").asInt()).as("one frame of each camera in the detector's batch").isEqualTo(2);
            JsonNode faces = person.get("cascades").get("face");
            JsonNode gender = faces.get("predictions").get(0).get("cascades").get("gender");
            System.out.println("camera " + p.get("camera").asText() + ": face batch " + faces.get("batch") + ", gender batch "
                    + gender.get("batch") + " " + gender.get("predictions"));
            assertThat(faces.get("batch").get("fill").asInt()).as("BlazeFace's input is one image").isEqualTo(1);
            assertThat(gender.get("batch").get("size").asInt()).isEqualTo(4);
            assertThat(gender.get("batch").get("fill").asInt()).as("the faces of both cameras in one gender run").isEqualTo(2);
        }
    }
}
