package io.edgesight.cameras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.LogCapture;
import io.edgesight.testing.MjpegServer;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.Ports;
import io.edgesight.testing.Tools;
import org.apache.logging.log4j.Level;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 6 and the credentials rule, on the real app: an unknown scheme, an unreachable host, a device that
 * does not exist and a GStreamer element that does not exist each give one clear ERROR line naming the camera while
 * the other cameras keep running; a password planted in two camera URLs appears in no log line (debug included),
 * no MQTT message, and no HTTP answer (API, health, metrics).
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class BadCamerasAndSecretsTest {
    static final String SECRET = "planted-Secret-42";

    @Test
    void badCamerasSayOneClearThingAndTheOthersKeepRunningAndNoSecretLeaks(@TempDir Path tmp) throws Exception {
        Tools.requireGstreamer();
        Path folder = Files.createDirectories(tmp.resolve("images"));
        imwrite(folder.resolve("0001.png").toString(), new Mat(120, 160, CV_8UC3, new Scalar(40, 40, 220, 0)));
        imwrite(folder.resolve("0002.png").toString(), new Mat(120, 160, CV_8UC3, new Scalar(40, 220, 40, 0)));
        int closedPort = Ports.free();
        try (LogCapture logs = new LogCapture();
             MjpegServer mjpeg = MjpegServer.start(List.of(new Mat(96, 128, CV_8UC3, new Scalar(200, 30, 30, 0))), 5, true);
             EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector mqtt = new MqttCollector(broker.url(), "#")) {
            String cameras = AppRunner.cameraRoute("good", "folder:" + folder, Map.of("loop", "true", "pacing", "realtime", "fps", "5"))
                    + AppRunner.cameraRoute("esp", mjpeg.url("admin:" + SECRET), Map.of())
                    + AppRunner.cameraRoute("unreachable", "rtsp://admin:" + SECRET + "@127.0.0.1:" + closedPort + "/stream",
                            Map.of("reconnectDelayMs", "200", "reconnectMaxDelayMs", "800", "openTimeoutMs", "2000"))
                    + AppRunner.cameraRoute("nodevice", "v4l2:///dev/video-edgesight-missing", Map.of("reconnectDelayMs", "200"))
                    + AppRunner.cameraRoute("nogst", "gst:nosuchcamerasrc sensor-id=0", Map.of());
            Path routes = AppRunner.routes(tmp.resolve("routes"), cameras, p -> p);
            Map<String, String> o = new LinkedHashMap<>();
            o.put("edgesight.mqtt.broker-url", broker.url());
            o.put("edgesight.cameras.sample.url", "foo://admin:" + SECRET + "@camera/stream"); // unknown scheme
            o.put("camel.health.exposure-level", "full");
            List<String> http = new ArrayList<>();
            try (AppRunner app = new AppRunner(routes, tmp.resolve("out"), o)) {
                Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).until(() ->
                        predictions(mqtt, "good") >= 5 && predictions(mqtt, "esp") >= 5);
                // the unreachable camera and the missing device have retried a few times (their reconnecting status counts)
                Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() ->
                        mqtt.attempts("unreachable") >= 3 && mqtt.attempts("nodevice") >= 3);
                long good = predictions(mqtt, "good");
                long esp = predictions(mqtt, "esp");
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() ->
                        predictions(mqtt, "good") >= good + 5 && predictions(mqtt, "esp") >= esp + 5);
                assertThat(app.running()).isTrue();

                var health = app.get("/observe/health");
                assertThat(health.statusCode()).isEqualTo(503);
                for (String down : List.of("camera:sample", "camera:unreachable", "camera:nodevice", "camera:nogst")) {
                    assertThat(health.body()).containsPattern("\"name\":\"" + down + "\",\"status\":\"DOWN\"");
                }
                assertThat(health.body()).containsPattern("\"name\":\"camera:good\",\"status\":\"UP\"")
                        .containsPattern("\"name\":\"camera:esp\",\"status\":\"UP\"");
                http.add(health.body());
                http.add(app.get("/observe/metrics").body());
                http.add(app.get("/api/cameras/esp/latest").body());
                http.add(app.get("/api/cameras/unreachable/latest").body());
                assertThat(http.get(1)).contains("edgesight_camera_frames_dropped_total{camera=\"esp\"");
            }

            Map<String, String> expected = Map.of(
                    "sample", "camera 'sample': unknown source 'foo:' in url foo://***@camera/stream; use a file path,",
                    "unreachable", "camera 'unreachable': cannot open rtsp://***@127.0.0.1:" + closedPort + "/stream (Connection refused);",
                    "nodevice", "camera 'nodevice': V4L2 device /dev/video-edgesight-missing does not exist; is the camera plugged in?",
                    "nogst", "camera 'nogst': GStreamer has no element \"nosuchcamerasrc\"; check the pipeline, or install the plugin");
            List<LogCapture.Line> errors = logs.lines().stream().filter(l -> l.level() == Level.ERROR).toList();
            for (var e : expected.entrySet()) {
                List<LogCapture.Line> mine = errors.stream().filter(l -> l.text().contains("camera '" + e.getKey() + "'")).toList();
                assertThat(mine).as("ERROR lines of camera %s in %s", e.getKey(), errors).hasSize(1);
                assertThat(mine.get(0).text()).startsWith(e.getValue()).doesNotContain("\n");
            }
            assertThat(errors).as("no other errors").hasSize(expected.size());
            assertThat(statuses(mqtt, "nogst")).anyMatch(s -> s.contains("\"status\":\"offline\"") && s.contains("\"reason\":\"failed\"")
                    && s.contains("GStreamer has no element"));
            assertThat(statuses(mqtt, "unreachable")).anyMatch(s -> s.contains("\"status\":\"reconnecting\"") && s.contains("Connection refused"));
            assertThat(statuses(mqtt, "sample")).last().asString().contains("\"reason\":\"failed\"");

            // the planted password: nowhere
            assertThat(logs.lines()).as("log lines").noneMatch(l -> l.text().contains(SECRET));
            assertThat(logs.lines().size()).isGreaterThan(100);
            assertThat(mqtt.messages()).as("MQTT").noneMatch(m -> m.payload().contains(SECRET) || m.topic().contains(SECRET));
            assertThat(http).as("HTTP answers").noneMatch(b -> b.contains(SECRET));
            assertThat(mjpeg.lastAuthorization()).as("but the camera got its credentials").isNotNull();
            System.out.printf("bad cameras: %d log lines (debug) scanned, %d MQTT messages, %d HTTP answers; errors:%n  %s%n",
                    logs.lines().size(), mqtt.messages().size(), http.size(),
                    String.join("\n  ", errors.stream().map(LogCapture.Line::text).toList()));
        }
    }

    static long predictions(MqttCollector mqtt, String camera) {
        return mqtt.messages().stream().filter(m -> m.topic().equals("edgesight/" + camera + "/predictions")).count();
    }

    static List<String> statuses(MqttCollector mqtt, String camera) {
        return mqtt.messages().stream().filter(m -> m.topic().equals("edgesight/" + camera + "/status"))
                .map(MqttCollector.Received::payload).toList();
    }
}
