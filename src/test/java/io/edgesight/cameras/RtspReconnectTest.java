package io.edgesight.cameras;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.RtspServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1: the real app against a real RTSP server (gst-rtsp-server) on 127.0.0.1, over tcp and udp. The
 * server is killed mid-stream and started again; both cameras reconnect by themselves, MQTT shows offline then
 * online (retained), the health check is DOWN meanwhile, and the app never stops.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class RtspReconnectTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static long predictions(MqttCollector mqtt, String camera) {
        return mqtt.messages().stream().filter(m -> m.topic().equals("edgesight/" + camera + "/predictions")).count();
    }

    static List<String> statuses(MqttCollector mqtt, String camera) {
        return mqtt.statuses(camera);
    }

    @Test
    void tcpAndUdpCamerasReconnectAfterTheServerIsKilledAndRestarted(@TempDir Path tmp) throws Exception {
        try (RtspServer server = RtspServer.start(320, 240, 25, "ball");
             EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector mqtt = new MqttCollector(broker.url(), "edgesight/#")) {
            Map<String, String> fast = Map.of("reconnectDelayMs", "300", "reconnectMaxDelayMs", "1500", "readTimeoutMs", "3000");
            Path routes = AppRunner.routes(tmp.resolve("routes"),
                    AppRunner.cameraRoute("udp", server.url(), Map.of("rtspTransport", "udp", "reconnectDelayMs", "300",
                            "reconnectMaxDelayMs", "1500", "readTimeoutMs", "3000")), p -> p);
            // the configured sample camera becomes the tcp one
            Map<String, String> o = new java.util.LinkedHashMap<>(Map.of(
                    "edgesight.mqtt.broker-url", broker.url(),
                    "edgesight.cameras.sample.url", server.url() + "?x=1",
                    "camel.health.exposure-level", "full"));
            try (AppRunner app = new AppRunner(routes, tmp.resolve("out"), o)) {
                Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> predictions(mqtt, "sample") >= 25 && predictions(mqtt, "udp") >= 25);
                assertThat(statuses(mqtt, "sample")).contains("online");
                assertThat(statuses(mqtt, "udp")).contains("online");
                assertThat(app.get("/observe/health").body()).contains("camera:udp").doesNotContain("DOWN");

                long killedAt = System.nanoTime();
                server.kill();
                Awaitility.await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                        .until(() -> statuses(mqtt, "sample").contains("offline") && statuses(mqtt, "udp").contains("offline"));
                long detectMs = (System.nanoTime() - killedAt) / 1_000_000;
                var health = app.get("/observe/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("DOWN").contains("camera:udp");
                // the cameras stay off for a while: two reconnect attempts each fail and back off
                Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                        .until(() -> mqtt.attempts("sample") >= 2 && mqtt.attempts("udp") >= 2);
                long sampleBefore = predictions(mqtt, "sample");
                long udpBefore = predictions(mqtt, "udp");

                long restartedAt = System.nanoTime();
                server.start();
                Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() ->
                        lastIs(statuses(mqtt, "sample"), "online") && lastIs(statuses(mqtt, "udp"), "online"));
                long reconnectMs = (System.nanoTime() - restartedAt) / 1_000_000;
                Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                        .until(() -> predictions(mqtt, "sample") >= sampleBefore + 25 && predictions(mqtt, "udp") >= udpBefore + 25);
                long resumeMs = (System.nanoTime() - restartedAt) / 1_000_000;

                for (String cam : List.of("sample", "udp")) {
                    assertThat(statuses(mqtt, cam)).containsSubsequence("online", "offline", "reconnecting", "online");
                }
                assertThat(app.running()).as("no crash").isTrue();
                assertThat(app.failure()).isNull();
                Awaitility.await().atMost(5, TimeUnit.SECONDS).ignoreExceptions()
                        .until(() -> !app.get("/observe/health").body().contains("DOWN"));
                JsonNode last = JSON.readTree(mqtt.messages().stream().filter(m -> m.topic().equals("edgesight/udp/status"))
                        .reduce((a, b) -> b).orElseThrow().payload());
                assertThat(last.get("reconnects").asLong()).isEqualTo(1);
                assertThat(last.get("kind").asText()).isEqualTo("rtsp");
                System.out.printf("rtsp: outage seen on MQTT %d ms after the kill; both cameras online %d ms after the restart,"
                        + " 25 more predictions each after %d ms (tcp %d, udp %d predictions in all)%n", detectMs, reconnectMs,
                        resumeMs, predictions(mqtt, "sample"), predictions(mqtt, "udp"));
            }
            // a new subscriber gets the retained status of each camera
            try (MqttCollector late = new MqttCollector(broker.url(), "edgesight/+/status")) {
                Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> late.messages().size() >= 2);
                assertThat(late.messages()).extracting(MqttCollector.Received::topic)
                        .contains("edgesight/sample/status", "edgesight/udp/status");
            }
        }
    }

    static boolean lastIs(List<String> s, String status) {
        return !s.isEmpty() && s.get(s.size() - 1).equals(status) && s.contains("offline");
    }
}
