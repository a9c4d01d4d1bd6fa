package io.edgesight.cameras;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.config.ConfigValidator;
import io.edgesight.sample.SampleVideo;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.MqttCollector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: a second camera added with PUT /api/cameras/<id> while the first runs: its predictions arrive within
 * 10 s, the first camera's seq has no gap and its rate holds; a restart keeps it; DELETE removes it (frames in
 * flight published, then the retained status "removed"); a bad body gets 400 with the start-up check's error and
 * changes nothing; without the token, 401.
 */
@Tag("slow")
class CameraApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "camera-api-token";

    @Test
    void camerasAreAddedKeptAndRemovedWhileTheFirstRuns(@TempDir Path tmp) throws Exception {
        // the added camera at 5 frames/s: what the first camera must not notice is the change, not a doubled load
        Path video = Path.of("target/test-video/shapes.mp4");
        SampleVideo.ensure(video);
        Path camerasDir = tmp.resolve("cameras.d");
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector mqtt = new MqttCollector(broker.url(), "edgesight/#")) {
            Map<String, String> o = new LinkedHashMap<>();
            o.put("edgesight.mqtt.broker-url", broker.url());
            o.put("edgesight.cameras.sample.url", video.toString());
            o.put("edgesight.api.cameras.enabled", "true");
            o.put("edgesight.api.cameras.dir", camerasDir.toString());
            o.put("edgesight.http.auth", "bearer");
            o.put("edgesight.http.token", TOKEN);
            o.put("edgesight.engine.dir", "target/test-engines");
            String door = "{\"url\": \"" + video + "\", \"loop\": true, \"pacing\": \"realtime\", \"fps\": 5, \"read-timeout-ms\": \"5s\"}";
            try (AppRunner app = new AppRunner(AppRunner.routes(tmp.resolve("routes"), null, p -> p), tmp.resolve("out"), o)) {
                Awaitility.await("the first camera runs").atMost(60, TimeUnit.SECONDS)
                        .until(() -> predictions(mqtt, "sample").size() >= 30);

                assertThat(send(app, "PUT", "/api/cameras/door", door, false).statusCode()).as("no token").isEqualTo(401);
                HttpResponse<String> bad = send(app, "PUT", "/api/cameras/door", "{\"url\": \"" + video + "\", \"fps\": \"fast\"}", true);
                assertThat(bad.statusCode()).isEqualTo(400);
                List<String> startup = ConfigValidator.validate(Map.of("edgesight.cameras.door.fps", "fast"), "x");
                assertThat(startup).hasSize(1);
                assertThat(JSON.readTree(bad.body()).get("error").asText()).isEqualTo(startup.get(0));
                assertThat(send(app, "GET", "/api/cameras/door", null, true).statusCode()).as("nothing changed").isEqualTo(404);
                assertThat(camerasDir.resolve("door.properties")).doesNotExist();

                double before = rate(mqtt, "sample", 3);
                long putAt = System.nanoTime();
                assertThat(send(app, "PUT", "/api/cameras/door", door, true).statusCode()).isEqualTo(201);
                Awaitility.await("the new camera's predictions").atMost(10, TimeUnit.SECONDS)
                        .until(() -> !predictions(mqtt, "door").isEmpty());
                System.out.printf("camera API: first prediction of the added camera %d ms after the PUT%n",
                        (System.nanoTime() - putAt) / 1_000_000);
                double after = rate(mqtt, "sample", 3);
                assertThat(after).as("the first camera's predictions/s while the second starts (before: %.1f)", before)
                        .isGreaterThan(before * 0.7);
                assertNoGap(predictions(mqtt, "sample"));
                assertThat(camerasDir.resolve("door.properties")).exists();
                assertThat(send(app, "GET", "/api/cameras/door", null, true).body()).contains("read-timeout-ms");
            }

            // a restart keeps the camera added through the API
            mqtt.messages().clear();
            try (AppRunner app = new AppRunner(AppRunner.routes(tmp.resolve("routes2"), null, p -> p), tmp.resolve("out"), o)) {
                Awaitility.await("the kept camera after a restart").atMost(60, TimeUnit.SECONDS)
                        .until(() -> predictions(mqtt, "door").size() >= 10);
                assertThat(send(app, "DELETE", "/api/cameras/door", null, true).statusCode()).isEqualTo(204);
                var t = app.app().tracker();
                assertThat(t.published("door") + t.failed("door")).as("frames in flight published").isEqualTo(t.emitted("door"));
                Awaitility.await("retained status removed").atMost(5, TimeUnit.SECONDS)
                        .until(() -> mqtt.statuses("door").contains("removed"));
                assertThat(mqtt.statuses("door")).last().isEqualTo("removed");
                assertThat(camerasDir.resolve("door.properties")).doesNotExist();
                assertThat(send(app, "GET", "/api/cameras/door", null, true).statusCode()).isEqualTo(404);
                long sampleNow = predictions(mqtt, "sample").size();
                Awaitility.await("the first camera goes on").atMost(10, TimeUnit.SECONDS)
                        .until(() -> predictions(mqtt, "sample").size() > sampleNow + 10);
            }
        }
    }

    static List<Long> predictions(MqttCollector mqtt, String camera) {
        List<Long> seqs = new ArrayList<>();
        for (MqttCollector.Received r : mqtt.messages()) {
            if (!r.topic().equals("edgesight/" + camera + "/predictions")) continue;
            try {
                seqs.add(JSON.readTree(r.payload()).get("seq").asLong());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return seqs;
    }

    /** Predictions per second of a camera over the next {@code seconds}. */
    static double rate(MqttCollector mqtt, String camera, int seconds) throws InterruptedException {
        int n0 = predictions(mqtt, camera).size();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L); // a measurement window, not a wait for an event
        return (predictions(mqtt, camera).size() - n0) / ((System.nanoTime() - t0) / 1e9);
    }

    static void assertNoGap(List<Long> seqs) {
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("seq after %d (index %d)", seqs.get(i - 1), i).isEqualTo(seqs.get(i - 1) + 1);
        }
    }

    static HttpResponse<String> send(AppRunner app, String method, String path, String body, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (token) b.header("Authorization", "Bearer " + TOKEN);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
