package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.edgesight.app.EdgesightApp;
import io.edgesight.sample.SampleVideo;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.PayloadSchema;
import io.edgesight.testing.Ports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook that always fails: each prediction is tried 1 + retries times, then lands in the dead-letter file.
 * The same run uses a copy of the sample model whose model.yaml says {@code decoder: raw}: the descriptor picks the
 * raw decoder, so the payloads carry the output summary (and still validate against the schema).
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class WebhookDeadLetterTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPermanentlyFailingUrlFillsTheDeadLetterFile(@TempDir Path tmp) throws Exception {
        SampleVideo.ensure(EndToEndTest.VIDEO);
        AtomicInteger requests = new AtomicInteger();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        hook.start();
        Path deadLetter = tmp.resolve("dlq/webhook-dead-letter.jsonl");
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.copy(Path.of("samples/models/shapes/saved_model.pb"), model.resolve("saved_model.pb"));
        Files.writeString(model.resolve("model.yaml"), "decoder: raw\npreprocessing:\n  resize: stretch\n");
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null)) {
            Map<String, String> o = EndToEndTest.baseOverrides(tmp.resolve("out"), Ports.free());
            o.put("edgesight.mqtt.broker-url", broker.url());
            o.put("edgesight.cameras.sample.loop", "false");
            o.put("edgesight.cameras.sample.pacing", "fast");
            o.put("edgesight.webhook.url", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook");
            o.put("edgesight.webhook.retries", "2");
            o.put("edgesight.webhook.backoff-ms", "20");
            o.put("edgesight.webhook.dead-letter", deadLetter.toString());
            o.put("edgesight.models.sample.path", model.toString());
            o.put("edgesight.models.sample.decoder", ""); // the configuration file says classification: leave it to model.yaml
            EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(Path.of("config/application.properties"),
                    Path.of("routes"), 12, 120, o));
            assertThat(app.run()).isZero(); // 12 frames, then it stops by itself once everything is handled
        } finally {
            hook.stop(0);
        }
        List<String> lines = Files.readAllLines(deadLetter);
        assertThat(lines).hasSize(12);
        assertThat(requests.get()).as("1 attempt + 2 retries each").isEqualTo(36);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertThat(line.get("url").asText()).endsWith("/hook");
            assertThat(line.get("error").asText()).contains("503");
            assertThat(line.get("time").asText()).endsWith("Z");
            PayloadSchema.assertValidPayload(line.get("payload").toString());
            assertThat(line.get("payload").get("seq").asLong()).isEqualTo(i);
            JsonNode out = line.get("payload").get("outputs").get(0);
            assertThat(line.get("payload").get("predictions")).isEmpty();
            assertThat(out.get("name").asText()).isEqualTo("logits");
            assertThat(out.get("shape").toString()).isEqualTo("[4]");
            assertThat(out.get("argmax").asInt()).isBetween(0, 3);
        }
    }
}
