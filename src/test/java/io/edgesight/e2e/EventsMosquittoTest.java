package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.DetectorSample;
import io.edgesight.testing.Mosquitto;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.PayloadSchema;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events through a real Mosquitto broker down for 30 s, with the COCO detector on a looping folder of frames in
 * which a real photograph of a person (Grace Hopper, samples/detector) slides across a line and into a zone: every
 * event produced while the broker is away arrives after the reconnect, in the order edgesight produced them (its
 * events.jsonl); a restart of edgesight keeps the line counts and the recent events list.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class EventsMosquittoTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int FRAMES = 50;

    /** 960x400 frames: the person photo, 200 px wide, moving 14 px a frame from the left edge to the right. */
    static Path frames(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Mat photo = opencv_imgcodecs.imread(DetectorSample.photos().resolve("grace_hopper.jpg").toString());
             Mat small = new Mat()) {
            opencv_imgproc.resize(photo, small, new Size(200, 234));
            for (int i = 0; i < FRAMES; i++) {
                try (Mat canvas = new Mat(400, 960, photo.type(), new Scalar(128, 128, 128, 0));
                     Mat roi = canvas.apply(new Rect(20 + 14 * i, 120, 200, 234))) {
                    small.copyTo(roi);
                    opencv_imgcodecs.imwrite(dir.resolve(String.format("frame-%03d.png", i)).toString(), canvas);
                }
            }
        }
        return dir;
    }

    static Map<String, String> config(Path frames, String broker) {
        Map<String, String> o = new LinkedHashMap<>();
        String m = "edgesight.models.detector.";
        Path model = DetectorSample.model();
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
        String c = "edgesight.cameras.door.";
        o.put(c + "url", "folder:" + frames.toAbsolutePath());
        o.put(c + "model", "detector");
        o.put(c + "loop", "true");
        o.put(c + "fps", "8");
        o.put(c + "zones.hall.points", "480,0; 960,0; 960,400; 480,400");
        o.put(c + "zones.hall.labels", "person");
        o.put(c + "lines.entrance.points", "480,0; 480,400");
        o.put(c + "lines.entrance.in", "left");
        o.put("edgesight.cameras.sample.url", "");
        o.put("edgesight.engine.dir", "target/test-engines");
        o.put("edgesight.mqtt.broker-url", broker);
        o.put("edgesight.mqtt.qos", "1");
        o.put("edgesight.mqtt.reconnect-max-delay-ms", "500");
        o.put("edgesight.mqtt.buffer.size", "5000");
        o.put("edgesight.events.keep", "1000");
        o.put("edgesight.homeassistant.enabled", "true");
        o.put("edgesight.node.id", "box1");
        return o;
    }

    /** The events of a camera as received, each distinct one once (QoS 1 may deliver twice), in arrival order. */
    static List<String> received(MqttCollector sub, String topic) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (MqttCollector.Received r : new ArrayList<>(sub.messages())) if (r.topic().equals(topic)) out.add(r.payload());
        return new ArrayList<>(out);
    }

    static List<String> logged(Path out) throws Exception {
        Path f = out.resolve("events.jsonl");
        return Files.isRegularFile(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    @Test
    void eventsMadeWhileTheBrokerIsDownArriveInOrderAndARestartKeepsCountsAndRecentEvents(@TempDir Path tmp) throws Exception {
        Mosquitto.require();
        Path frames = frames(tmp.resolve("frames"));
        Path out = tmp.resolve("out");
        try (Mosquitto broker = Mosquitto.start(tmp.resolve("broker"));
             MqttCollector sub = new MqttCollector(broker.url(), "edgesight/#", true);
             MqttCollector ha = new MqttCollector(broker.url(), "homeassistant/#", true)) {
            Map<String, String> o = config(frames, broker.url());
            String linesBefore, eventsBefore;
            int producedWhileDown;
            try (AppRunner app = new AppRunner(AppRunner.routes(tmp.resolve("routes"), null, p -> p), out, o)) {
                Awaitility.await("events before the outage").atMost(180, TimeUnit.SECONDS)
                        .until(() -> received(sub, "edgesight/door/events").size() >= 4);
                // Home Assistant discovery: the camera, the zone's person sensor and the line's two counters
                Awaitility.await("discovery documents").atMost(10, TimeUnit.SECONDS).until(() -> ha.messages().size() >= 4);
                assertThat(ha.messages()).extracting(MqttCollector.Received::topic).containsExactlyInAnyOrder(
                        "homeassistant/camera/box1_door/config", "homeassistant/sensor/box1_door_hall_person/config",
                        "homeassistant/sensor/box1_door_entrance_in/config", "homeassistant/sensor/box1_door_entrance_out/config");
                broker.stop();
                int atStop = logged(out).size();
                Thread.sleep(30_000); // the outage itself
                producedWhileDown = logged(out).size() - atStop;
                broker.restart();
                int producedUntilRestart = logged(out).size();
                Awaitility.await("the events of the outage after the reconnect").atMost(60, TimeUnit.SECONDS)
                        .until(() -> received(sub, "edgesight/door/events").size() >= producedUntilRestart);
                Awaitility.await("a line count").atMost(60, TimeUnit.SECONDS)
                        .until(() -> app.get("/api/lines").body().contains("\"in\":") && !app.get("/api/lines").body().contains("\"in\":0"));
                linesBefore = app.get("/api/lines").body();
                eventsBefore = app.get("/api/events").body();
            }
            // every event edgesight logged went out, in its order, on both topics, each valid
            List<String> log = logged(out);
            List<String> perCamera = received(sub, "edgesight/door/events"), global = received(sub, "edgesight/events");
            System.out.printf("events: %d produced, %d while the broker was down; %d received on edgesight/door/events, %d on edgesight/events%n",
                    log.size(), producedWhileDown, perCamera.size(), global.size());
            assertThat(producedWhileDown).as("events produced during the outage").isGreaterThanOrEqualTo(3);
            assertThat(perCamera).as("per camera, in the order produced").isEqualTo(log.subList(0, perCamera.size()));
            assertThat(perCamera.size()).isGreaterThanOrEqualTo(log.size() - 3); // the last may still be in flight at the stop
            assertThat(global).isEqualTo(log.subList(0, global.size()));
            for (String e : perCamera) PayloadSchema.assertValidEvent(e);
            List<String> types = perCamera.stream().map(e -> {
                try {
                    return JSON.readTree(e).get("type").asText();
                } catch (Exception ex) {
                    throw new AssertionError(ex);
                }
            }).toList();
            assertThat(types).contains("new", "update", "end");

            // a restart: the retained count at the first frame is the count before, the recent list is kept
            sub.messages().clear();
            // the counts as the stopped edgesight left them
            JsonNode before = JSON.readTree(out.resolve("line-counts.json").toFile()).get("door").get("entrance");
            assertThat(before.get("in").asLong()).isGreaterThanOrEqualTo(JSON.readTree(linesBefore).get("door").get("entrance").get("in").asLong());
            JsonNode recentBefore = JSON.readTree(eventsBefore);
            try (AppRunner app = new AppRunner(AppRunner.routes(tmp.resolve("routes2"), null, p -> p), out, o)) {
                Awaitility.await("edgesight up again").atMost(120, TimeUnit.SECONDS).until(() -> {
                    if (!app.running()) throw new AssertionError("edgesight stopped: exit " + app.exitCode(), app.failure());
                    try {
                        return app.get("/api/events").statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });
                // each object as its last event in the stopped edgesight's log left it
                Map<String, JsonNode> lastOfEach = new LinkedHashMap<>();
                for (String line : log) {
                    JsonNode after = JSON.readTree(line).get("after");
                    lastOfEach.remove(after.get("id").asText());
                    lastOfEach.put(after.get("id").asText(), after);
                }
                List<JsonNode> expected = new ArrayList<>(lastOfEach.values());
                java.util.Collections.reverse(expected);
                List<JsonNode> recentAfter = new ArrayList<>();
                JSON.readTree(app.get("/api/events").body()).forEach(recentAfter::add);
                assertThat(recentAfter.subList(recentAfter.size() - expected.size(), recentAfter.size()))
                        .as("the recent list after the restart ends with the objects before it, newest first").isEqualTo(expected);
                assertThat(recentBefore.size()).isPositive();
                // the best snapshot of an object of before the restart, and none for an id that is not one
                String id = expected.get(0).get("id").asText();
                var snap = app.get("/api/events/" + id + "/snapshot.jpg");
                assertThat(snap.statusCode()).isEqualTo(200);
                assertThat(snap.headers().firstValue("Content-Type")).hasValue("image/jpeg");
                assertThat(Files.readAllBytes(out.resolve("events").resolve(id + ".jpg"))).startsWith((byte) 0xFF, (byte) 0xD8);
                assertThat(app.get("/api/events/nope/snapshot.jpg").statusCode()).isEqualTo(404);
                Awaitility.await("the line counts on MQTT after the restart").atMost(120, TimeUnit.SECONDS)
                        .until(() -> sub.messages().stream().anyMatch(r -> r.topic().equals("edgesight/door/lines/entrance/in")));
                String firstIn = sub.messages().stream().filter(r -> r.topic().equals("edgesight/door/lines/entrance/in"))
                        .findFirst().orElseThrow().payload();
                assertThat(Long.parseLong(firstIn)).as("count published at the first frame after the restart")
                        .isEqualTo(before.get("in").asLong());
                System.out.printf("line entrance before the restart %s, first published after it: in=%s%n", before, firstIn);
            }
        }
    }
}
