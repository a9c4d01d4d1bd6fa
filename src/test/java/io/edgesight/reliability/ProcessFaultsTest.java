package io.edgesight.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgesight.e2e.EdgesightProcess;
import io.edgesight.sample.SampleVideo;
import io.edgesight.testing.Mosquitto;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the process itself, on a separate JVM as systemd runs it: SIGTERM while the pipeline is saturated
 * drains every batch in flight to MQTT before the exit.
 */
class ProcessFaultsTest {
    static final Path VIDEO = Path.of("target/test-video/shapes.mp4");
    static final Path WORK = Path.of("target/reliability-process");
    static final Pattern SUMMARY = Pattern.compile("stopped: sample: emitted=(\\d+) published=(\\d+) failed=(\\d+)");

    @BeforeAll
    static void sampleVideo() {
        Mosquitto.require();
        SampleVideo.ensure(VIDEO);
    }

    @Test
    void sigtermPublishesEveryFrameThatEnteredThePipelineThenExits() throws Exception {
        Path dir = WORK.resolve("sigterm-" + System.nanoTime());
        int http = Ports.free();
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector sub = new MqttCollector(broker.url(), "edgesight/sample/predictions")) {
            Map<String, String> sets = new LinkedHashMap<>();
            sets.put("edgesight.sample.video", VIDEO.toString());
            sets.put("edgesight.cameras.sample.url", VIDEO.toString());
            // as fast as the engine takes frames: batches wait in the aggregator, the infer queue and the outbox
            sets.put("edgesight.cameras.sample.pacing", "fast");
            sets.put("edgesight.engine.dir", "target/test-engines");
            sets.put("edgesight.output.dir", dir.resolve("out").toString());
            sets.put("edgesight.mqtt.broker-url", broker.url());
            sets.put("edgesight.shutdown.timeout-s", "20");
            sets.put("camel.server.port", Integer.toString(http));
            sets.put("camel.management.port", Integer.toString(http));
            try (EdgesightProcess es = EdgesightProcess.start(dir.resolve("edgesight.log"), sets)) {
                Awaitility.await("predictions").atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .failFast(() -> !es.isAlive())
                        .until(() -> sub.messages().size() >= 200);
                long beforeTerm = sub.messages().size();
                long t0 = System.nanoTime();
                es.terminate();
                Integer exit = es.waitFor(40);
                long stopMs = (System.nanoTime() - t0) / 1_000_000;
                String log = es.log();
                assertThat(exit).as("exited within the shutdown timeout; log:\n%s", log).isNotNull();
                Matcher m = SUMMARY.matcher(log);
                assertThat(m.find()).as("the final summary line; log:\n%s", log).isTrue();
                long emitted = Long.parseLong(m.group(1));
                long published = Long.parseLong(m.group(2));
                long failed = Long.parseLong(m.group(3));
                Awaitility.await("MQTT deliveries").atMost(10, TimeUnit.SECONDS)
                        .until(() -> distinctSeqs(sub) >= published);
                long delivered = distinctSeqs(sub);
                System.out.printf("SIGTERM drain: emitted=%d published=%d failed=%d delivered=%d (before SIGTERM %d), exit %d after %d ms%n",
                        emitted, published, failed, delivered, beforeTerm, exit, stopMs);
                assertThat(failed).isZero();
                assertThat(published).as("every frame that entered the pipeline was published").isEqualTo(emitted);
                assertThat(delivered).as("and reached the broker's subscriber").isEqualTo(published);
                assertThat(exit).as("SIGTERM exit of a JVM (systemd unit: SuccessExitStatus=143)").isIn(0, 143);
                assertThat(log).doesNotContain("not delivered at shutdown").doesNotContain("Exception");
            }
        }
    }

    static long distinctSeqs(MqttCollector sub) {
        return sub.messages().stream().map(r -> {
            Matcher m = Pattern.compile("\"seq\":(\\d+)").matcher(r.payload());
            return m.find() ? m.group(1) : r.payload();
        }).distinct().count();
    }
}
