package io.edgesight.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.stats.PipelineTracker;
import io.edgesight.e2e.EdgesightProcess;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.LogCapture;
import io.edgesight.sample.SampleVideo;
import io.edgesight.testing.Mosquitto;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the process itself, on a separate JVM as systemd runs it: SIGTERM while the pipeline is saturated
 * drains every batch in flight to MQTT before the exit. A full disk under the JSON lines files (a real 256 KB tmpfs)
 * is reported and costs no MQTT message. kill -9 in the middle of an engine build leaves nothing that is used later.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class ProcessFaultsTest {
    static final ObjectMapper JSON = new ObjectMapper();
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

    @Test
    void aFullDiskForTheFilesIsReportedOnceAnIntervalAndMqttGetsEveryPrediction(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        TmpfsMount.require(out, "256k");
        try (TmpfsMount disk = TmpfsMount.mount(out, "256k");
             EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector sub = new MqttCollector(broker.url(), "edgesight/sample/predictions");
             LogCapture logs = new LogCapture()) {
            Path routes = AppRunner.routes(tmp.resolve("routes"), null, p -> p);
            Map<String, String> o = new LinkedHashMap<>();
            o.put("edgesight.mqtt.broker-url", broker.url());
            o.put("edgesight.cameras.sample.url", VIDEO.toString());
            o.put("edgesight.cameras.sample.pacing", "fast");
            o.put("edgesight.engine.dir", "target/test-engines");
            AppRunner app = new AppRunner(routes, out, o);
            try {
                Awaitility.await("the disk fills up and lines are lost").atMost(120, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(500)).failFast(() -> !app.running())
                        .until(() -> writeErrors(app) >= 300);
            } finally {
                app.close();
            }
            assertThat(app.failure()).as("the app ran on and stopped cleanly").isNull();
            PipelineTracker t = app.app().tracker();
            long emitted = t.emitted("sample");
            long published = t.published("sample");
            long errors = JSONL_ERRORS.get();
            Awaitility.await("MQTT deliveries").atMost(10, TimeUnit.SECONDS).until(() -> distinctSeqs(sub) >= published);
            long delivered = distinctSeqs(sub);
            List<LogCapture.Line> reports = logs.lines().stream().filter(l -> l.text().contains("cannot write")).toList();
            long fileBytes = Files.size(out.resolve("sample.jsonl"));
            System.out.printf("disk full: emitted=%d published=%d failed=%d delivered=%d, file %d bytes, write errors %d, %d log line(s)%n",
                    emitted, published, t.failed("sample"), delivered, fileBytes, errors, reports.size());
            assertThat(fileBytes).as("the file filled the 256 KB disk").isGreaterThan(200_000);
            assertThat(t.failed("sample")).isZero();
            assertThat(published).as("a frame whose line could not be written still counts as published").isEqualTo(emitted);
            assertThat(delivered).as("MQTT had every prediction").isEqualTo(published);
            assertThat(errors).isGreaterThanOrEqualTo(300);
            assertThat(reports).as("reported at once, then at most once per 10 s: not once per line").isNotEmpty().hasSizeLessThan(5);
            assertThat(reports.get(0).text()).contains("No space left on device").contains("sample.jsonl");
        }
    }

    @Test
    void kill9DuringAnEngineBuildLeavesNothingThatIsUsedLater(@TempDir Path tmp) throws Exception {
        Path model = io.edgesight.testing.TestModels.channelMean(tmp.resolve("model"), -1, 32, 32);
        Path engines = tmp.resolve("engines");
        Process p = engineBuild(engines, model);
        StringBuilder seen = new StringBuilder();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("building engine sample-b2-FP32-")) {
                    p.destroyForcibly(); // kill -9 in the middle of the build
                    break;
                }
            }
        }
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.toString()).as("killed during the build").contains("building engine").doesNotContain("engine built");
        List<Path> left;
        try (var s = Files.list(engines)) {
            left = s.toList();
        }
        assertThat(left).as("only the unfinished build's temporary directory is left: %s", left)
                .allMatch(d -> d.getFileName().toString().startsWith(".tmp-") || d.getFileName().toString().endsWith(".lock"));
        Process again = engineBuild(engines, model);
        String out = new String(again.getInputStream().readAllBytes());
        assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.printf("kill -9 during an engine build: left behind %s; the next start built it again (exit %d)%n",
                left.stream().map(d -> d.getFileName().toString()).toList(), again.exitValue());
        assertThat(again.exitValue()).as(out).isZero();
        assertThat(out).as("the unfinished build is not used: it is built again").contains("building engine sample-b2-FP32-");
        try (var s = Files.list(engines)) {
            assertThat(s.map(d -> d.getFileName().toString()).toList()).as("and the leftover is cleared")
                    .noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    static Process engineBuild(Path engines, Path model) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.edgesight.cli.EdgesightCli", "engine", "build",
                "--config", "config/application.properties", "--set", "edgesight.engine.dir=" + engines,
                "--set", "edgesight.models.sample.path=" + model, "--set", "edgesight.models.sample.batch-size=2")
                .redirectErrorStream(true).start();
    }

    static final java.util.concurrent.atomic.AtomicLong JSONL_ERRORS = new java.util.concurrent.atomic.AtomicLong();

    /** files.writeErrors of GET /api/stats (remembered: the last value counts once the app has stopped). */
    static long writeErrors(AppRunner app) {
        try {
            var r = app.get("/api/stats");
            if (r.statusCode() != 200) return 0;
            long n = JSON.readTree(r.body()).path("files").path("writeErrors").asLong();
            JSONL_ERRORS.set(n);
            return n;
        } catch (Exception e) {
            return 0;
        }
    }

    static long distinctSeqs(MqttCollector sub) {
        return sub.messages().stream().map(r -> {
            Matcher m = Pattern.compile("\"seq\":(\\d+)").matcher(r.payload());
            return m.find() ? m.group(1) : r.payload();
        }).distinct().count();
    }
}
