package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.sample.SampleVideo;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.LogCapture;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the Kafka output: a bootstrap server nobody answers on is a warning, and the records wait in the
 * bounded buffer while everything else runs; an invalid topic name or producer setting is one clear start-up
 * error (exit 2), before anything starts.
 */
class KafkaBadInputTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void sampleVideo() {
        SampleVideo.ensure(EndToEndTest.VIDEO);
    }

    @Test
    void anUnreachableBootstrapServerIsAWarningAndTheBufferFills(@TempDir Path tmp) throws Exception {
        int nobody = Ports.free();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.cameras.sample.url", EndToEndTest.VIDEO.toString());
        o.put("edgesight.engine.dir", "target/test-engines");
        o.put("edgesight.kafka.enabled", "true");
        o.put("edgesight.kafka.brokers", "127.0.0.1:" + nobody);
        o.put("edgesight.kafka.buffer.size", "40");
        o.put("edgesight.kafka.max-block-ms", "1000");
        o.put("edgesight.cameras.sample.loop", "true");
        o.put("edgesight.mqtt.embedded.port", Integer.toString(Ports.free()));
        try (LogCapture logs = new LogCapture();
             AppRunner app = new AppRunner(AppRunner.routes(tmp.resolve("routes"), null, p -> p), tmp.resolve("out"), o)) {
            Awaitility.await("the buffer full and overflowing").atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions() // the HTTP API answers once the app is up
                    .failFast(() -> !app.running())
                    .until(() -> kafka(app).path("bufferDropped").asLong() > 0);
            JsonNode k = kafka(app);
            assertThat(app.running()).isTrue();
            assertThat(k.path("bufferDepth").asLong()).as("the bound").isBetween(30L, 40L);
            assertThat(k.path("delivered").asLong()).isZero();
            // the pipeline goes on while the buffer overflows: more frames are published after the first drop
            long atFirstDrop = app.app().tracker().published("sample");
            Awaitility.await("the pipeline goes on").atMost(60, TimeUnit.SECONDS)
                    .until(() -> app.app().tracker().published("sample") > atFirstDrop + 40);
            assertThat(logs.lines()).anyMatch(l -> l.level().toString().equals("WARN")
                    && l.text().contains("no bootstrap server of 127.0.0.1:" + nobody + " is reachable yet"));
            assertThat(logs.lines()).anyMatch(l -> l.text().contains("Kafka outbound buffer 'records' is full"));
            assertThat(logs.lines()).as("no stack traces").noneMatch(l -> l.text().contains("\tat "));
            System.out.printf("Kafka unreachable at start-up: buffer %d/40, %d dropped, %d frames published meanwhile%n",
                    k.path("bufferDepth").asLong(), k.path("bufferDropped").asLong(), app.app().tracker().published("sample"));
        }
    }

    static JsonNode kafka(AppRunner app) throws Exception {
        return JSON.readTree(app.get("/api/stats").body()).path("kafka");
    }

    @Test
    void anInvalidTopicNameIsOneClearStartUpError() throws Exception {
        BadInputTest.Outcome o = BadInputTest.edgesight("edgesight.kafka.enabled=true", "edgesight.kafka.topic.predictions=site 1/predictions");
        BadInputTest.assertOneUserError(o, "edgesight.kafka.topic.predictions: 'site 1/predictions' is not a Kafka topic name");
    }

    @Test
    void producerSettingsThatCouldLoseOrReorderRecordsAreOneClearStartUpError() throws Exception {
        BadInputTest.Outcome acks = BadInputTest.edgesight("edgesight.kafka.enabled=true", "edgesight.kafka.acks=1");
        BadInputTest.assertOneUserError(acks, "edgesight.kafka.idempotence=true needs edgesight.kafka.acks=all");
        BadInputTest.Outcome bad = BadInputTest.edgesight("edgesight.kafka.enabled=true", "edgesight.kafka.max-in-flight=10",
                "edgesight.kafka.compression=brotli", "edgesight.kafka.brokers=kafka1");
        assertThat(bad.exit()).isEqualTo(io.edgesight.cli.EdgesightCli.USER_ERROR);
        assertThat(bad.output()).contains("edgesight.kafka.compression: unknown compression 'brotli'")
                .contains("edgesight.kafka.brokers must be host:port").doesNotContain("\tat ");
        BadInputTest.Outcome inFlight = BadInputTest.edgesight("edgesight.kafka.enabled=true", "edgesight.kafka.max-in-flight=10");
        BadInputTest.assertOneUserError(inFlight, "edgesight.kafka.max-in-flight must be at most 5 with edgesight.kafka.idempotence=true");
        BadInputTest.Outcome store = BadInputTest.edgesight("edgesight.kafka.enabled=true", "edgesight.kafka.security-protocol=SSL",
                "edgesight.kafka.tls.trust-store=/nonexistent/kafka-ca.p12");
        BadInputTest.assertOneUserError(store, "edgesight.kafka.tls.trust-store: /nonexistent/kafka-ca.p12 does not exist");
    }
}
