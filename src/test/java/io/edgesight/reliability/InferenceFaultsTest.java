package io.edgesight.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.stats.PipelineTracker;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.LogCapture;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.TestModels;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference faults with real TensorFlow runs in the real app: a batch whose input makes the model fail (an
 * all-white frame -> Inf -> CheckNumerics) is skipped and counted while the next batches run; a run that hangs
 * (it blocks reading a named pipe) is cut off by edgesight.engine.timeout-ms, batches meanwhile fail at once, and
 * the engine runs again once the hung run returns.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class InferenceFaultsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** {@code n} PNGs in name order, grey levels 60.., and pure white at the {@code white} indexes. */
    static Path folder(Path dir, int n, Set<Integer> white) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            int v = white.contains(i) ? 255 : 60 + i;
            try (Mat m = new Mat(48, 64, CV_8UC3, new Scalar(v, v, v, 0))) {
                imwrite(dir.resolve(String.format("%04d.png", i)).toString(), m);
            }
        }
        return dir;
    }

    static Map<String, String> overrides(Path model, Path frames, String brokerUrl) throws Exception {
        Files.writeString(model.resolve("model.yaml"), "decoder: raw\npreprocessing:\n  resize: stretch\n");
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.models.sample.path", model.toString());
        o.put("edgesight.models.sample.decoder", ""); // raw, from model.yaml
        o.put("edgesight.models.sample.batch-size", "2");
        o.put("edgesight.engine.dir", model.getParent().resolve("engines").toString());
        o.put("edgesight.cameras.sample.url", "folder:" + frames);
        o.put("edgesight.cameras.sample.loop", "false");
        o.put("edgesight.mqtt.broker-url", brokerUrl);
        return o;
    }

    static TreeSet<Long> seqs(MqttCollector sub) {
        TreeSet<Long> out = new TreeSet<>();
        for (MqttCollector.Received r : sub.messages()) {
            try {
                out.add(JSON.readTree(r.payload()).get("seq").asLong());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** The hung run (TensorFlow's ReadFile on the pipe) returns once a writer opens the pipe and closes it. */
    static void release(Path fifo) {
        try (OutputStream w = Files.newOutputStream(fifo)) {
            w.write('x');
        } catch (java.io.IOException e) {
            // broken pipe: the reader saw a 0-byte file and is gone already; that is the release too
        }
    }

    @Test
    void aBatchTheModelFailsOnIsSkippedAndCountedAndTheNextBatchRuns(@TempDir Path tmp) throws Exception {
        Path model = TestModels.failsOnWhite(tmp.resolve("model"), 2, 32, 32);
        Path frames = folder(tmp.resolve("frames"), 40, Set.of(10, 25));
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector sub = new MqttCollector(broker.url(), "edgesight/sample/predictions");
             LogCapture logs = new LogCapture()) {
            Map<String, String> o = overrides(model, frames, broker.url());
            o.put("edgesight.cameras.sample.pacing", "fast");
            AppRunner app = new AppRunner(AppRunner.routes(tmp.resolve("routes"), null, p -> p), tmp.resolve("out"), o);
            try {
                Awaitility.await("the folder is done and every frame accounted for").atMost(120, TimeUnit.SECONDS)
                        .until(() -> !app.running());
            } finally {
                app.close();
            }
            assertThat(app.failure()).isNull();
            assertThat(app.exitCode()).isZero();
            PipelineTracker t = app.app().tracker();
            long emitted = t.emitted("sample"), published = t.published("sample"), failed = t.failed("sample");
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> seqs(sub).size() >= published);
            TreeSet<Long> delivered = seqs(sub);
            List<LogCapture.Line> reports = logs.lines().stream().filter(l -> l.text().contains("batch(es) failed")).toList();
            System.out.printf("engine error: emitted=%d published=%d failed=%d delivered=%d, %d log line(s): %s%n",
                    emitted, published, failed, delivered.size(), reports.size(), reports.isEmpty() ? "" : reports.get(0).text());
            assertThat(emitted).isEqualTo(40);
            assertThat(published + failed).as("every frame is published or counted as failed").isEqualTo(40);
            assertThat(failed).as("the two batches (of 2) holding a white frame, nothing else").isBetween(2L, 4L);
            TreeSet<Long> missing = new TreeSet<>();
            for (long s = 0; s < 40; s++) if (!delivered.contains(s)) missing.add(s);
            assertThat(missing).as("only the white frames and their batch partners are not published")
                    .contains(10L, 25L).isSubsetOf(9L, 10L, 11L, 24L, 25L, 26L).hasSize((int) failed);
            assertThat(delivered).as("the batches right after them run").contains(12L, 27L, 39L);
            assertThat(reports).as("one line at once, then at most one per 10 s").hasSize(1);
            assertThat(reports.get(0).text()).contains("engine 'sample'").contains("white frame");
            assertThat(logs.lines()).as("no stack trace per batch")
                    .noneMatch(l -> l.text().contains("Failed delivery") || l.text().contains("\tat org.tensorflow"));
        }
    }

    @Test
    void aHangingRunIsCutOffByTheTimeoutAndTheEngineRunsAgainWhenItReturns(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("hang.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
        Path model = TestModels.hangsOnWhite(tmp.resolve("model"), 2, 32, 32, fifo);
        Path frames = folder(tmp.resolve("frames"), 60, Set.of(10));
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector sub = new MqttCollector(broker.url(), "edgesight/sample/predictions");
             LogCapture logs = new LogCapture()) {
            Map<String, String> o = overrides(model, frames, broker.url());
            o.put("edgesight.cameras.sample.pacing", "realtime");
            o.put("edgesight.engine.timeout-ms", "500");
            // a folder at 20 frames per second: 3 s of frames, the hung run holds the engine for about one of them
            o.put("edgesight.cameras.sample.fps", "20");
            Path routes = AppRunner.routes(tmp.resolve("routes"), null, p -> p);
            AppRunner app = new AppRunner(routes, tmp.resolve("out"), o);
            long releasedAtSeq;
            try {
                PipelineTracker[] t = new PipelineTracker[1];
                Awaitility.await("the timeout, then batches failing at once behind the hung run").atMost(120, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(50)).failFast(() -> !app.running())
                        .until(() -> (t[0] = app.app().tracker()) != null && t[0].failed("sample") >= 4);
                releasedAtSeq = t[0].emitted("sample");
                release(fifo);
                Awaitility.await("the folder is done").atMost(60, TimeUnit.SECONDS).until(() -> !app.running());
            } finally {
                // never leave a run blocked on the pipe, whatever failed (opening it for writing blocks until a reader)
                Thread releaser = new Thread(() -> release(fifo));
                releaser.setDaemon(true);
                releaser.start();
                app.close();
            }
            assertThat(app.failure()).isNull();
            PipelineTracker t = app.app().tracker();
            long emitted = t.emitted("sample"), published = t.published("sample"), failed = t.failed("sample");
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> seqs(sub).size() >= published);
            TreeSet<Long> delivered = seqs(sub);
            System.out.printf("engine hang: emitted=%d published=%d failed=%d delivered=%d, released at frame %d%n",
                    emitted, published, failed, delivered.size(), releasedAtSeq);
            assertThat(emitted).isEqualTo(60);
            assertThat(published + failed).isEqualTo(60);
            assertThat(delivered).as("frames before the hang are published, the hung one is not").contains(0L, 9L).doesNotContain(10L);
            assertThat(delivered.last()).as("batches run again after the hung run returned").isEqualTo(59L);
            assertThat(delivered.tailSet(releasedAtSeq + 4)).as("everything after the release").hasSize((int) (60 - releasedAtSeq - 4));
            assertThat(logs.lines()).anyMatch(l -> l.text().contains("did not finish a batch within 500 ms (edgesight.engine.timeout-ms)"))
                    .anyMatch(l -> l.text().contains("the run that timed out has returned; batches run again"));
        }
    }
}
