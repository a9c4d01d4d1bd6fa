package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.MotionFootage;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.PayloadSchema;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gated camera through the real application (the jar's routes, the sample model, the embedded broker): a still
 * scene (a real vtest.avi frame, looped as an image folder at 10 fps) is inferred once, every later frame is left out
 * and counted as skipped_no_motion in the stats document (HTTP and the MQTT stats topic, valid against its schema)
 * and in Prometheus, while the camera stays online in its status and its stats, and latest.jpg stays served.
 */
@Tag("slow")
class MotionGatingEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aGatedStillCameraStillReportsItsStatusAndStatsWithSkippedFrames(@TempDir Path tmp) throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("still"));
        List<Mat> first = MotionFootage.read(MotionFootage.vtest(), 0, 1);
        try (Mat hall = first.get(0)) {
            for (int i = 0; i < 10; i++) opencv_imgcodecs.imwrite(folder.resolve(String.format("hall-%02d.png", i)).toString(), hall);
        }
        int mqttPort = Ports.free();
        Map<String, String> o = Map.of(
                "edgesight.cameras.sample.url", "folder:" + folder,
                "edgesight.cameras.sample.loop", "true",
                "edgesight.cameras.sample.pacing", "realtime",
                "edgesight.cameras.sample.fps", "10",
                "edgesight.cameras.sample.motion", "on",
                "edgesight.cameras.sample.motion-keep-alive-ms", "0",
                "edgesight.stats.interval-seconds", "1",
                "edgesight.mqtt.embedded.port", Integer.toString(mqttPort),
                "edgesight.engine.dir", "target/test-engines");
        try (AppRunner app = new AppRunner(Path.of("routes"), tmp.resolve("out"), o)) {
            Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .until(() -> app.get("/api/cameras/sample/latest").statusCode() == 200);
            MqttCollector mqtt = new MqttCollector("tcp://127.0.0.1:" + mqttPort, "edgesight/#");
            // longer than the 5 s after which a camera without predictions would count as stalled
            Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                JsonNode cam = JSON.readTree(app.get("/api/stats").body()).get("cameras").get("sample");
                return cam.get("skipped_no_motion").asLong() >= 70;
            });
            String statsBody = app.get("/api/stats").body();
            PayloadSchema.assertValidStats(statsBody);
            JsonNode cam = JSON.readTree(statsBody).get("cameras").get("sample");
            assertThat(cam.get("status").asText()).as("frames arrive, the gate leaves them out: online, not stalled").isEqualTo("online");
            assertThat(cam.get("frames").asLong()).as("only the first frame of the still scene is inferred").isEqualTo(1);
            assertThat(cam.get("lastSeq").asLong()).isZero();

            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> mqtt.messages().stream()
                    .anyMatch(m -> m.topic().equals("edgesight/stats") && skipped(m.payload()) > 0));
            MqttCollector.Received stats = mqtt.messages().stream()
                    .filter(m -> m.topic().equals("edgesight/stats") && skipped(m.payload()) > 0).reduce((a, b) -> b).orElseThrow();
            PayloadSchema.assertValidStats(stats.payload());
            assertThat(mqtt.messages()).as("frames left out publish no (empty) prediction")
                    .filteredOn(m -> m.topic().equals("edgesight/sample/predictions")).isEmpty();
            assertThat(Files.readAllLines(tmp.resolve("out/sample.jsonl"))).hasSize(1);
            MqttCollector.Received status = mqtt.messages().stream().filter(m -> m.topic().equals("edgesight/sample/status"))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(JSON.readTree(status.payload()).get("status").asText()).isEqualTo("online");

            String metrics = app.get("/observe/metrics").body();
            assertThat(metrics).containsPattern("edgesight_frames_skipped_no_motion_total\\{camera=\"sample\"[^}]*\\} [1-9]");
            assertThat(metrics).containsPattern("edgesight_camera_frames_skipped_no_motion_total\\{camera=\"sample\"[^}]*\\} [1-9]");
            assertThat(app.get("/api/cameras/sample/latest.jpg").statusCode()).isEqualTo(200);
            mqtt.close();
        }
    }

    private static long skipped(String stats) {
        try {
            JsonNode cam = JSON.readTree(stats).get("cameras").get("sample");
            return cam == null ? 0 : cam.get("skipped_no_motion").asLong();
        } catch (Exception e) {
            return 0;
        }
    }
}
