package io.edgesight.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpsServer;
import io.edgesight.sample.SampleVideo;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.LogCapture;
import io.edgesight.testing.MjpegServer;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.Ports;
import org.apache.logging.log4j.Level;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One run of the real app with a secret planted everywhere a user puts one: a camera URL's password (a working
 * MJPEG camera and an unreachable RTSP one), the embedded broker's password, the webhook URL's credentials (an https
 * receiver whose certificate is not trusted, so every POST fails and is logged and dead-lettered), the HTTP bearer
 * token and the Kafka output's SASL password. With DEBUG logging, the secret must appear in no log line, HTTP answer (API, page, health, metrics), MQTT
 * message (predictions, status, stats, availability), output file (JSON lines, dead letters). The same run checks
 * the exposure: HTTP API and embedded broker reachable on 127.0.0.1 only, and every API route answers 401 without
 * the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class PlantedSecretTest {
    static final String SECRET = "planted-S3cret-77";
    static final List<String> API = List.of("/", "/api/cameras", "/api/cameras/esp/latest", "/api/cameras/esp/latest.jpg",
            "/api/cameras/unreachable/latest", "/api/stats");

    final Path dir = Path.of("target/planted-secret/" + System.nanoTime());
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<String> answers = new ArrayList<>();
    final Map<String, Integer> withoutToken = new LinkedHashMap<>();
    List<LogCapture.Line> logs;
    List<MqttCollector.Received> mqtt;
    int httpPort;
    int brokerPort;
    Optional<InetAddress> outside;
    boolean httpOnLoopback;
    boolean httpOutside;
    boolean brokerOutside;

    @BeforeAll
    void runTheAppWithSecretsEverywhere() throws Exception {
        SampleVideo.ensure(Path.of("target/test-video/shapes.mp4"));
        outside = Network.nonLoopbackAddress();
        brokerPort = Ports.free();
        int closedPort = Ports.free();
        HttpsServer hook = TestCa.shared().https("/hook", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        try (LogCapture capture = new LogCapture();
             MjpegServer camera = MjpegServer.start(List.of(new Mat(96, 128, CV_8UC3, new Scalar(30, 30, 200, 0))), 10, false)) {
            String cameras = AppRunner.cameraRoute("esp", camera.url("admin:" + SECRET), Map.of())
                    + AppRunner.cameraRoute("unreachable", "rtsp://admin:" + SECRET + "@127.0.0.1:" + closedPort + "/stream",
                            Map.of("reconnectDelayMs", "200", "reconnectMaxDelayMs", "800", "openTimeoutMs", "2000"));
            Path routes = AppRunner.routes(dir.resolve("routes"), cameras, p -> p);
            Map<String, String> o = new LinkedHashMap<>();
            o.put("edgesight.cameras.sample.url", "target/test-video/shapes.mp4");
            o.put("edgesight.engine.dir", "target/test-engines");
            o.put("edgesight.mqtt.embedded.port", Integer.toString(brokerPort));
            o.put("edgesight.mqtt.username", "edge");
            o.put("edgesight.mqtt.password", SECRET);
            o.put("edgesight.webhook.url", "https://hook:" + SECRET + "@127.0.0.1:" + hook.getAddress().getPort() + "/hook?token=" + SECRET);
            o.put("edgesight.webhook.retries", "1");
            o.put("edgesight.webhook.backoff-ms", "100");
            o.put("edgesight.webhook.queue-size", "5"); // few failing POSTs left to drain at shutdown
            o.put("edgesight.webhook.dead-letter", dir.resolve("out/dead-letter.jsonl").toString());
            o.put("edgesight.http.auth", "bearer");
            o.put("edgesight.http.token", SECRET);
            o.put("edgesight.stats.interval-seconds", "1");
            o.put("camel.health.exposure-level", "full");
            // the Kafka output with SASL credentials, its cluster unreachable (records wait in its buffer)
            o.put("edgesight.kafka.enabled", "true");
            o.put("edgesight.kafka.brokers", "127.0.0.1:" + Ports.free());
            o.put("edgesight.kafka.max-block-ms", "1000");
            o.put("edgesight.kafka.security-protocol", "SASL_PLAINTEXT");
            o.put("edgesight.kafka.sasl.mechanism", "SCRAM-SHA-512");
            o.put("edgesight.kafka.sasl.username", "edge");
            o.put("edgesight.kafka.sasl.password", SECRET);
            try (AppRunner app = new AppRunner(routes, dir.resolve("out"), o)) {
                httpPort = app.httpPort;
                MqttCollector collector = Awaitility.await().atMost(60, TimeUnit.SECONDS).ignoreExceptions()
                        .until(() -> new MqttCollector("tcp://127.0.0.1:" + brokerPort, "#", "edge", SECRET), c -> true);
                try {
                    Awaitility.await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).until(() ->
                            !app.running() || count(collector, "edgesight/esp/predictions") >= 5 && count(collector, "edgesight/stats") >= 1
                                    && Files.exists(dir.resolve("out/dead-letter.jsonl")));
                    assertThat(app.failure()).isNull();
                    for (String path : API) {
                        answers.add(get(path, true).body());
                        withoutToken.put(path, get(path, false).statusCode());
                    }
                    for (String path : List.of("/observe/health", "/observe/metrics")) answers.add(get(path, false).body());
                    httpOnLoopback = Network.accepts(InetAddress.getLoopbackAddress(), httpPort);
                    if (outside.isPresent()) {
                        httpOutside = Network.accepts(outside.get(), httpPort);
                        brokerOutside = Network.accepts(outside.get(), brokerPort);
                    }
                } finally {
                    mqtt = List.copyOf(collector.messages());
                    collector.close();
                }
            } finally {
                hook.stop(0);
            }
            logs = List.copyOf(capture.lines()); // shutdown included
        }
    }

    @Test
    void theSecretAppearsInNoLogLineHttpAnswerMqttMessageOrFile() throws Exception {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
            for (Path f : s.filter(Files::isRegularFile).toList()) files.add(f + ": " + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
        assertThat(logs.size()).as("DEBUG logging captured").isGreaterThan(100);
        assertThat(logs.stream().filter(l -> l.level() == Level.DEBUG)).isNotEmpty();
        assertThat(logs).as("log lines").noneMatch(l -> l.text().contains(SECRET));
        assertThat(answers).as("HTTP answers").hasSize(API.size() + 2).noneMatch(b -> b.contains(SECRET));
        assertThat(mqtt).as("MQTT messages").extracting(MqttCollector.Received::topic)
                .contains("edgesight/esp/predictions", "edgesight/esp/status", "edgesight/unreachable/status", "edgesight/stats",
                        "edgesight/available");
        assertThat(mqtt).as("MQTT messages").noneMatch(m -> m.payload().contains(SECRET) || m.topic().contains(SECRET));
        assertThat(files).as("files").anyMatch(f -> f.contains("esp.jsonl")).anyMatch(f -> f.contains("dead-letter.jsonl"))
                .noneMatch(f -> f.contains(SECRET));
        System.out.printf("planted secret: %d log lines (DEBUG on), %d HTTP answers, %d MQTT messages, %d files scanned: not found%n",
                logs.size(), answers.size(), mqtt.size(), files.size());
    }

    @Test
    void anUntrustedWebhookCertificateIsRefusedWithAClearLoggedError() throws Exception {
        List<LogCapture.Line> webhook = logs.stream().filter(l -> l.level() == Level.WARN && l.text().startsWith("webhook ")).toList();
        assertThat(webhook).as("WARN lines of the webhook").isNotEmpty();
        assertThat(webhook.get(0).text()).contains("gave up on").contains("SSLHandshakeException")
                .contains("unable to find valid certification path").contains("https://127.0.0.1:").contains("token=***");
        String deadLetter = Files.readString(dir.resolve("out/dead-letter.jsonl"));
        assertThat(deadLetter).contains("\"url\":\"https://127.0.0.1:").contains("SSLHandshakeException");
        System.out.println("untrusted webhook: " + webhook.get(0).text());
    }

    @Test
    void httpApiAndBrokerAreReachableOnLoopbackOnly() {
        assertThat(httpOnLoopback).as("127.0.0.1:" + httpPort).isTrue();
        assumeTrue(outside.isPresent(), "this machine has no non-loopback IPv4 address");
        assertThat(httpOutside).as(outside.get() + ":" + httpPort + " (HTTP API)").isFalse();
        assertThat(brokerOutside).as(outside.get() + ":" + brokerPort + " (embedded broker)").isFalse();
    }

    @Test
    void everyApiRouteAnswers401WithoutTheToken() {
        assertThat(withoutToken).hasSize(API.size()).allSatisfy((path, status) -> assertThat(status).as(path).isEqualTo(401));
    }

    HttpResponse<String> get(String path, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(20));
        if (token) b.header("Authorization", "Bearer " + SECRET);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(r.body(), StandardCharsets.ISO_8859_1);
        return new HttpResponse<>() {
            public int statusCode() { return r.statusCode(); }
            public HttpRequest request() { return r.request(); }
            public Optional<HttpResponse<String>> previousResponse() { return Optional.empty(); }
            public java.net.http.HttpHeaders headers() { return r.headers(); }
            public String body() { return r.headers().map() + "\n" + body; }
            public Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
            public URI uri() { return r.uri(); }
            public HttpClient.Version version() { return r.version(); }
        };
    }

    static long count(MqttCollector c, String topic) {
        return c.messages().stream().filter(m -> m.topic().equals(topic)).count();
    }
}
