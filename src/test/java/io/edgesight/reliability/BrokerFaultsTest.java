package io.edgesight.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.stats.PipelineTracker;
import io.edgesight.sample.SampleVideo;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.LogCapture;
import io.edgesight.testing.Mosquitto;
import io.edgesight.testing.MqttCollector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as a fault, with a real Mosquitto and the real app (sample video at 25 frames per second, QoS 1):
 * down when edgesight starts (predictions wait in the outbox up to its bound; the overflow is counted and logged
 * once per interval, not per message), and restarted without persistence (the QoS 1 messages in flight when it
 * died are sent again by the outbox after the reconnect). The 20 s outage of a running broker with persistence is
 * e2e/MosquittoEndToEndTest.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class BrokerFaultsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path VIDEO = Path.of("target/test-video/shapes.mp4");
    static final String TOPIC = "edgesight/sample/predictions";

    @BeforeAll
    static void sampleVideo() {
        Mosquitto.require();
        SampleVideo.ensure(VIDEO);
    }

    static Map<String, String> overrides(String brokerUrl) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.cameras.sample.url", VIDEO.toString());
        o.put("edgesight.engine.dir", "target/test-engines");
        o.put("edgesight.mqtt.broker-url", brokerUrl);
        o.put("edgesight.mqtt.qos", "1");
        o.put("edgesight.mqtt.reconnect-max-delay-ms", "500");
        return o;
    }

    /** Prediction seqs in arrival order (QoS 1: a message may come twice). */
    static List<Long> seqs(MqttCollector sub) {
        List<Long> out = new ArrayList<>();
        for (MqttCollector.Received r : sub.messages()) {
            if (!r.topic().equals(TOPIC)) continue;
            try {
                out.add(JSON.readTree(r.payload()).get("seq").asLong());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    static long max(MqttCollector sub) {
        return seqs(sub).stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    static JsonNode stats(AppRunner app) throws Exception {
        return JSON.readTree(app.get("/api/stats").body());
    }

    @Test
    void downAtStartUpPredictionsWaitUpToTheBoundAndTheOverflowIsLoggedOncePerInterval(@TempDir Path tmp) throws Exception {
        try (Mosquitto broker = Mosquitto.start(tmp.resolve("broker"));
             MqttCollector sub = new MqttCollector(broker.url(), TOPIC, true);
             LogCapture logs = new LogCapture()) {
            broker.stop(); // the subscriber's session is saved and comes back with the broker
            Map<String, String> o = overrides(broker.url());
            o.put("edgesight.mqtt.buffer.size", "50");
            long startedAt = System.nanoTime();
            AppRunner app = new AppRunner(AppRunner.routes(tmp.resolve("routes"), null, p -> p), tmp.resolve("out"), o);
            long emittedWhileDown;
            long outageSeconds;
            long droppedWhileDown;
            long recoverMs;
            try {
                Awaitility.await("frames while the broker is down").atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .failFast(() -> !app.running())
                        .until(() -> app.app().tracker() != null && app.app().tracker().emitted("sample") >= 200);
                JsonNode s = stats(app);
                assertThat(s.path("mqtt").path("connected").asBoolean()).isFalse();
                assertThat(s.path("mqtt").path("bufferDepth").asLong()).as("the bound").isLessThanOrEqualTo(50);
                emittedWhileDown = app.app().tracker().emitted("sample");
                long t0 = System.nanoTime();
                broker.restart();
                Awaitility.await("the buffered predictions after the broker starts").atMost(60, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(100)).until(() -> max(sub) >= emittedWhileDown + 25);
                recoverMs = (System.nanoTime() - t0) / 1_000_000;
                outageSeconds = (System.nanoTime() - startedAt) / 1_000_000_000;
                droppedWhileDown = stats(app).path("mqtt").path("bufferDropped").asLong();
            } finally {
                app.close();
            }
            List<Long> firstArrivals = seqs(sub).stream().distinct().toList();
            long first = firstArrivals.get(0);
            List<LogCapture.Line> overflowLines = logs.lines().stream()
                    .filter(l -> l.text().contains("MQTT outbound buffer 'outbox' is full")).toList();
            System.out.printf("broker down at start-up: %d frames emitted while down, %d messages dropped (bound 50), first seq "
                            + "delivered %d, %d predictions delivered, %d overflow log line(s), first prediction after the broker "
                            + "started: %d ms%n", emittedWhileDown, droppedWhileDown, first, firstArrivals.size(), overflowLines.size(), recoverMs);
            assertThat(logs.lines()).anyMatch(l -> l.text().contains("is not reachable yet"));
            for (int i = 1; i < firstArrivals.size(); i++) {
                assertThat(firstArrivals.get(i)).as("after the oldest were dropped, every prediction in order (%d of %d)", i,
                        firstArrivals.size()).isEqualTo(firstArrivals.get(i - 1) + 1);
            }
            assertThat(first).as("the oldest predictions beyond the bound are dropped, the newest 50 messages kept")
                    .isGreaterThan(0).isGreaterThanOrEqualTo(emittedWhileDown - 50);
            assertThat(droppedWhileDown).as("every prediction before the first delivered one was dropped and counted")
                    .isGreaterThanOrEqualTo(first);
            assertThat(overflowLines).as("%d drops in %d s, logged at once and then once per 10 s interval, not per message",
                    droppedWhileDown, outageSeconds).isNotEmpty().hasSizeLessThanOrEqualTo((int) (1 + outageSeconds / 10));
            assertThat(droppedWhileDown).as("many more drops than log lines").isGreaterThan(50L * overflowLines.size());
        }
    }

    @Test
    void restartedWithoutPersistenceTheQos1MessagesInFlightAreSentAgain(@TempDir Path tmp) throws Exception {
        try (Mosquitto broker = Mosquitto.startWithoutPersistence(tmp.resolve("broker"));
             TcpGate gate = new TcpGate(broker.port());
             LogCapture logs = new LogCapture()) {
            MqttCollector before = new MqttCollector(broker.url(), TOPIC);
            MqttCollector after = null;
            AppRunner app = new AppRunner(AppRunner.routes(tmp.resolve("routes"), null, p -> p), tmp.resolve("out"),
                    overrides(gate.url()));
            long stoppedAt;
            long inFlight;
            try {
                Awaitility.await("predictions").atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .failFast(() -> !app.running()).until(() -> seqs(before).size() >= 50);
                // messages in flight: the connection swallows them (sent, never acknowledged) for a second, then the
                // broker stops; edgesight may reconnect only once our new subscriber is in (the restarted broker forgets it)
                long lastBeforeFreeze = max(before);
                gate.freeze();
                Thread.sleep(1000);
                gate.hold();
                broker.stop();
                inFlight = app.app().tracker().published("sample") - 1 - lastBeforeFreeze;
                PipelineTracker t = app.app().tracker();
                stoppedAt = t.emitted("sample");
                broker.restart();
                after = new MqttCollector(broker.url(), TOPIC);
                Awaitility.await("frames while edgesight is cut off").atMost(30, TimeUnit.SECONDS).until(() -> t.emitted("sample") >= stoppedAt + 50);
                gate.open();
                MqttCollector a = after;
                Awaitility.await("everything after the reconnect").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                        .until(() -> max(a) >= stoppedAt + 75);
            } finally {
                app.close();
                before.close();
                if (after != null) after.close();
            }
            TreeSet<Long> all = new TreeSet<>(seqs(before));
            all.addAll(seqs(after));
            List<Long> missing = new ArrayList<>();
            for (long s = all.first(); s <= all.last(); s++) if (!all.contains(s)) missing.add(s);
            System.out.printf("broker restarted without persistence: %d predictions published while the connection swallowed them (the first sent, never acknowledged), "
                            + "%d received before the stop (last %d), %d after (first %d), %d duplicate(s), missing %s%n",
                    inFlight, seqs(before).size(), max(before), seqs(after).size(),
                    seqs(after).stream().mapToLong(Long::longValue).min().orElse(-1),
                    seqs(before).size() + seqs(after).size() - all.size(), missing);
            assertThat(missing).as("every prediction reached a subscriber: those in flight at the stop were sent again").isEmpty();
            assertThat(seqs(after).get(0)).as("the first after the reconnect continues where the old subscriber stopped")
                    .isLessThanOrEqualTo(max(before) + 1);
            assertThat(inFlight).as("the stop caught a message in flight and more waiting behind it").isPositive();
            assertThat(logs.lines()).anyMatch(l -> l.text().contains("MQTT reconnected"));
        }
    }
}
