package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.sample.SampleVideo;
import io.edgesight.testing.Mosquitto;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.PayloadSchema;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * edgesight against a real Mosquitto broker, as a separate process: availability (online, then the last will
 * "offline" when the process is killed with SIGKILL), the stats topic, the prediction topic; the broker stopped
 * for 20 s and started again: with QoS 1 every prediction made meanwhile arrives, in order.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class MosquittoEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path WORK = Path.of("target/mosquitto-e2e");

    @BeforeAll
    static void sampleVideo() {
        Mosquitto.require();
        SampleVideo.ensure(EndToEndTest.VIDEO);
    }

    @Test
    void availabilityStatsPredictionsAndEveryPredictionOfA30SecondBrokerOutage() throws Exception {
        int http = Ports.free();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (Mosquitto broker = Mosquitto.start(WORK.resolve("broker-" + System.nanoTime()));
             MqttCollector sub = new MqttCollector(broker.url(), "edgesight/#", true)) {
            Map<String, String> sets = new LinkedHashMap<>();
            sets.put("edgesight.sample.video", EndToEndTest.VIDEO.toString());
            sets.put("edgesight.cameras.sample.url", EndToEndTest.VIDEO.toString());
            sets.put("edgesight.engine.dir", "target/test-engines");
            sets.put("edgesight.output.dir", WORK.resolve("out").toString());
            sets.put("camel.server.port", Integer.toString(http));
            sets.put("camel.management.port", Integer.toString(http));
            sets.put("edgesight.mqtt.broker-url", broker.url());
            sets.put("edgesight.mqtt.qos", "1");
            sets.put("edgesight.mqtt.reconnect-max-delay-ms", "1000");
            sets.put("edgesight.stats.interval-seconds", "2");
            try (EdgesightProcess es = EdgesightProcess.start(WORK.resolve("edgesight.log"), sets)) {
                // 1. online (retained), predictions and stats
                Awaitility.await("online, predictions and stats").atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .failFast(() -> !es.isAlive())
                        .until(() -> availability(sub).contains("online") && count(sub, "edgesight/sample/predictions") >= 50
                                && count(sub, "edgesight/stats") >= 1);

                // 2. the broker goes away for 30 s (the issue's outage); edgesight keeps predicting into its outbound buffer
                broker.stop();
                long stopped = System.nanoTime();
                long maxDepth = 0;
                boolean sawDisconnected = false;
                while (System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(30)) {
                    JsonNode stats = httpJson(client, http, "/api/stats");
                    if (stats != null) {
                        PayloadSchema.assertValidStats(stats.toString());
                        maxDepth = Math.max(maxDepth, stats.path("mqtt").path("bufferDepth").asLong());
                        sawDisconnected |= !stats.path("mqtt").path("connected").asBoolean(true);
                    }
                    Thread.sleep(1000);
                }
                JsonNode beforeRestart = httpJson(client, http, "/api/stats");
                long lastSeqDuringOutage = beforeRestart.path("cameras").path("sample").path("lastSeq").asLong();
                assertThat(sawDisconnected).as("stats say the broker is gone").isTrue();
                assertThat(maxDepth).as("predictions wait in the buffer (about 25 per second)").isGreaterThan(200);
                broker.restart();

                // 3. everything made meanwhile arrives, in order, and nothing was dropped
                Awaitility.await("buffered predictions after the restart").atMost(60, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> maxSeq(sub) > lastSeqDuringOutage + 25);
                List<Long> seqs = predictionSeqs(sub);
                List<Long> firstArrivals = new ArrayList<>();
                for (long s : seqs) if (!firstArrivals.contains(s)) firstArrivals.add(s);
                for (int i = 1; i < firstArrivals.size(); i++) {
                    assertThat(firstArrivals.get(i)).as("prediction %d of %d: in order, none missing (duplicates allowed: QoS 1)",
                            i, firstArrivals.size()).isEqualTo(firstArrivals.get(i - 1) + 1);
                }
                System.out.printf("mosquitto outage: %d predictions received (%d distinct, seq %d..%d), buffer peaked at %d%n",
                        seqs.size(), firstArrivals.size(), firstArrivals.get(0), firstArrivals.get(firstArrivals.size() - 1), maxDepth);
                Awaitility.await("stats after the reconnect").atMost(20, TimeUnit.SECONDS).until(() -> {
                    JsonNode s = lastStats(sub);
                    return s != null && s.path("mqtt").path("connected").asBoolean() && s.path("mqtt").path("bufferDepth").asLong() < 50;
                });
                assertThat(lastStats(sub).path("mqtt").path("bufferDropped").asLong()).as("no overflow with the default bound").isZero();
                assertThat(lastStats(sub).path("cameras").path("sample").path("fps").asDouble()).isGreaterThan(1);
                assertThat(availability(sub)).as("online again after the reconnect").last().isEqualTo("online");

                // 4. kill -9: the broker publishes the last will
                int before = availability(sub).size();
                es.kill();
                Awaitility.await("last will").atMost(30, TimeUnit.SECONDS)
                        .until(() -> {
                            List<String> a = availability(sub); // one snapshot: a message may arrive meanwhile
                            return a.size() > before && a.get(a.size() - 1).equals("offline");
                        });

                // every payload and stats document validates
                for (MqttCollector.Received r : sub.messages()) {
                    if (r.topic().endsWith("/predictions")) PayloadSchema.assertValidPayload(r.payload());
                    if (r.topic().equals("edgesight/stats")) PayloadSchema.assertValidStats(r.payload());
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.println("---- mosquitto log\n" + broker.log());
                throw e;
            }
        }
    }

    static List<String> availability(MqttCollector sub) {
        return sub.messages().stream().filter(m -> m.topic().equals("edgesight/available")).map(MqttCollector.Received::payload).toList();
    }

    static long count(MqttCollector sub, String topic) {
        return sub.messages().stream().filter(m -> m.topic().equals(topic)).count();
    }

    static List<Long> predictionSeqs(MqttCollector sub) throws Exception {
        List<Long> out = new ArrayList<>();
        for (MqttCollector.Received r : sub.messages()) {
            if (r.topic().equals("edgesight/sample/predictions")) out.add(JSON.readTree(r.payload()).get("seq").asLong());
        }
        return out;
    }

    static long maxSeq(MqttCollector sub) throws Exception {
        return predictionSeqs(sub).stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    static JsonNode lastStats(MqttCollector sub) throws Exception {
        List<MqttCollector.Received> stats = sub.messages().stream().filter(m -> m.topic().equals("edgesight/stats")).toList();
        return stats.isEmpty() ? null : JSON.readTree(stats.get(stats.size() - 1).payload());
    }

    static JsonNode httpJson(HttpClient client, int port, String path) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }
}
