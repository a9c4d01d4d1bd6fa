package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.app.EdgesightApp;
import io.edgesight.tooling.ColourClassifier;
import io.edgesight.sample.SampleVideo;
import io.edgesight.sample.SampleVideoGenerator;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.PayloadSchema;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real routes and config on the sample video, observed the way a user would: MQTT, the file, HTTP. */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class EndToEndTest {
    static final Path VIDEO = Path.of("target/test-video/shapes.mp4");
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void sampleVideo() {
        SampleVideo.ensure(VIDEO);
    }

    static Map<String, String> baseOverrides(Path out, int httpPort) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("edgesight.sample.video", VIDEO.toString());
        o.put("edgesight.cameras.sample.url", VIDEO.toString());
        o.put("edgesight.output.dir", out.toString());
        o.put("camel.server.port", Integer.toString(httpPort));
        o.put("camel.management.port", Integer.toString(httpPort));
        o.put("edgesight.engine.dir", "target/test-engines");
        return o;
    }

    static List<String> groundTruth() throws Exception {
        List<String> labels = new ArrayList<>();
        List<String> lines = Files.readAllLines(SampleVideo.groundTruthFor(VIDEO));
        for (String line : lines.subList(1, lines.size())) labels.add(line.split(",")[1].trim());
        return labels;
    }

    static List<MqttCollector.Received> predictions(MqttCollector mqtt) {
        return mqtt.messages().stream().filter(m -> m.topic().endsWith("/predictions")).toList();
    }

    @Test
    void everyFrameOfTheSampleVideoIsPredictedOncePublishedInOrderAndMostlyRight(@TempDir Path tmp) throws Exception {
        sampleVideoThroughTheRealRoutes(tmp, Map.of(), "tensorflow");
    }

    /** The same routes and assertions with the sample model swapped for an ONNX model: ONNX Runtime runs it. */
    @Test
    void theSameRoutesRunAnOnnxModelWithONNXRuntime(@TempDir Path tmp) throws Exception {
        Path model = ColourClassifier.write(tmp.resolve("model/shapes-colour.onnx"));
        sampleVideoThroughTheRealRoutes(tmp, Map.of(
                "edgesight.models.sample.path", model.toString(),
                "edgesight.models.sample.labels", model.resolveSibling("labels.txt").toString(),
                "edgesight.models.sample.normalize", "unit",
                "edgesight.models.sample.channel-order", "RGB",
                "edgesight.models.sample.output-kind", "probabilities"), "onnxruntime");
    }

    private void sampleVideoThroughTheRealRoutes(Path tmp, Map<String, String> model, String runtime) throws Exception {
        List<String> truth = groundTruth();
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector mqtt = new MqttCollector(broker.url(), "edgesight/+/predictions")) {
            Map<String, String> o = baseOverrides(tmp.resolve("out"), Ports.free());
            o.putAll(model);
            o.put("edgesight.mqtt.broker-url", broker.url());
            o.put("edgesight.cameras.sample.loop", "false");
            o.put("edgesight.cameras.sample.pacing", "fast");
            EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(Path.of("config/application.properties"),
                    Path.of("routes"), 0, 120, o));
            int exit = app.run(); // returns by itself once the finite video is drained
            assertThat(exit).isZero();
            assertThat(app.tracker().published("sample")).isEqualTo(truth.size());
            assertThat(app.engines().runtimes()).containsEntry("sample", runtime);
            assertThat(app.engines().readyNanos().get("sample"))
                    .as("the camera route starts only after its engine is ready")
                    .isLessThan(app.tracker().startedNanos().get("sample"));

            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> predictions(mqtt).size() >= truth.size());
            List<JsonNode> payloads = new ArrayList<>();
            for (MqttCollector.Received r : predictions(mqtt)) {
                PayloadSchema.assertValidPayload(r.payload());
                payloads.add(JSON.readTree(r.payload()));
            }
            assertThat(mqtt.messages()).extracting(MqttCollector.Received::topic)
                    .allMatch(t -> t.equals("edgesight/sample/predictions") || t.equals("edgesight/available") || t.equals("edgesight/stats"));
            assertThat(payloads).hasSize(truth.size());
            // camera status (retained): online while reading, offline with reason "finished" at the end of the video
            try (MqttCollector status = new MqttCollector(broker.url(), "edgesight/+/status")) {
                Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> !status.messages().isEmpty());
                JsonNode s = JSON.readTree(status.messages().get(0).payload());
                assertThat(status.messages().get(0).topic()).isEqualTo("edgesight/sample/status");
                assertThat(s.get("status").asText()).isEqualTo("offline");
                assertThat(s.get("reason").asText()).isEqualTo("finished");
                assertThat(s.get("frames").get("emitted").asLong()).isEqualTo(truth.size());
            }
            int correct = 0;
            for (int i = 0; i < payloads.size(); i++) {
                JsonNode p = payloads.get(i);
                assertThat(p.get("seq").asLong()).as("in order, none lost or duplicated").isEqualTo(i);
                assertThat(p.get("schema").asInt()).isEqualTo(1);
                assertThat(p.get("camera").asText()).isEqualTo("sample");
                assertThat(p.get("model").asText()).isEqualTo("sample");
                assertThat(p.get("frame").get("width").asInt()).isEqualTo(640);
                assertThat(p.get("predictions")).hasSize(3);
                assertThat(p.get("timings").get("inferenceMs").asDouble()).isPositive();
                if (p.get("predictions").get(0).get("label").asText().equals(truth.get(i))) correct++;
            }
            double accuracy = (double) correct / truth.size();
            System.out.printf("sample video on %s: %d frames, top-1 accuracy %.3f%n", runtime, truth.size(), accuracy);
            assertThat(accuracy).isGreaterThanOrEqualTo(0.95);

            List<String> lines = Files.readAllLines(tmp.resolve("out/sample.jsonl"));
            assertThat(lines).hasSize(truth.size());
            for (int i = 0; i < lines.size(); i++) {
                PayloadSchema.assertValidPayload(lines.get(i));
                assertThat(JSON.readTree(lines.get(i)).get("seq").asLong()).isEqualTo(i);
            }
        }
    }

    /** The default deployment: embedded broker, HTTP latest, health and metrics, while a looping camera runs. */
    @Test
    void embeddedBrokerHttpLatestHealthAndMetricsWhileRunning(@TempDir Path tmp) throws Exception {
        int http = Ports.free();
        int mqttPort = Ports.free();
        Map<String, String> o = baseOverrides(tmp.resolve("out"), http);
        o.put("edgesight.mqtt.embedded.port", Integer.toString(mqttPort));
        EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(Path.of("config/application.properties"),
                Path.of("routes"), 0, 120, o));
        Thread runner = new Thread(() -> {
            try {
                app.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        runner.start();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Map<String, HttpResponse<String>> last = new HashMap<>();
            Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() -> {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http + "/api/cameras/sample/latest")).build(), HttpResponse.BodyHandlers.ofString());
                last.put("latest", r);
                return r.statusCode() == 200;
            });
            PayloadSchema.assertValidPayload(last.get("latest").body());
            JsonNode latest = JSON.readTree(last.get("latest").body());
            assertThat(latest.get("camera").asText()).isEqualTo("sample");
            assertThat(latest.get("predictions").get(0).get("label").asText()).isNotBlank();

            HttpResponse<String> unknown = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/api/cameras/nope/latest")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);

            HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("UP");
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("camel_exchanges");

            // a real subscriber on the embedded broker sees predictions
            try (MqttCollector mqtt = new MqttCollector("tcp://127.0.0.1:" + mqttPort, "edgesight/#")) {
                Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> predictions(mqtt).size() >= 5);
                predictions(mqtt).forEach(m -> PayloadSchema.assertValidPayload(m.payload()));
                assertThat(mqtt.messages()).filteredOn(m -> m.topic().equals("edgesight/available"))
                        .extracting(MqttCollector.Received::payload).containsExactly("online");
            }
            MosquittoSub.assertReceives("127.0.0.1", mqttPort, "edgesight/+/predictions", 3);
        } finally {
            app.stop();
            runner.join(30_000);
        }
        assertThat(runner.isAlive()).isFalse();
    }
}
