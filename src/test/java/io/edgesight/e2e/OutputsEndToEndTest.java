package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.edgesight.app.EdgesightApp;
import io.edgesight.sample.SampleVideo;
import io.edgesight.sample.ShapeRenderer;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.Chromium;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.PayloadSchema;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One run of the real routes with every optional output switched on, observed from outside: the HTTP API behind a
 * bearer token, Prometheus metrics, the live page in headless Chromium, the webhook against a receiver that fails
 * at first, MQTT topics, rotated JSON lines and snapshot files. Every payload is validated against the schema.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class OutputsEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "tok-3f9a2c";
    static final int FAIL_FIRST = 2;

    record Hit(long nanos, int status, long seq, String camera, String contentType) {}

    final Path dir = Path.of("target/outputs-e2e/" + System.nanoTime());
    final List<Hit> hits = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpServer hook;
    EmbeddedMqttBroker broker;
    MqttCollector mqtt;
    EdgesightApp app;
    Thread runner;
    int http;

    @BeforeAll
    void start() throws Exception {
        SampleVideo.ensure(EndToEndTest.VIDEO);
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            long seq = -1;
            try {
                seq = JSON.readTree(body).get("seq").asLong();
            } catch (IOException | RuntimeException ignored) {
                // counted with seq -1
            }
            int status = requests.incrementAndGet() <= FAIL_FIRST ? 500 : 200;
            hits.add(new Hit(System.nanoTime(), status, seq, ex.getRequestHeaders().getFirst("EdgesightCameraId"),
                    ex.getRequestHeaders().getFirst("Content-Type")));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        hook.start();
        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
        mqtt = new MqttCollector(broker.url(), "edgesight/#");

        http = Ports.free();
        Map<String, String> o = EndToEndTest.baseOverrides(dir.resolve("out"), http);
        o.put("edgesight.mqtt.broker-url", broker.url());
        o.put("edgesight.http.auth", "bearer");
        o.put("edgesight.http.token", TOKEN);
        o.put("edgesight.webhook.url", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook");
        o.put("edgesight.webhook.retries", "3");
        o.put("edgesight.webhook.backoff-ms", "200");
        o.put("edgesight.webhook.dead-letter", dir.resolve("out/dead-letter.jsonl").toString());
        o.put("edgesight.snapshots.dir", dir.resolve("snapshots").toString());
        o.put("edgesight.snapshots.min-score", "0.5");
        o.put("edgesight.snapshots.min-interval-ms", "300");
        o.put("edgesight.output.max-bytes", "16000");
        o.put("edgesight.output.keep", "3");
        o.put("edgesight.mqtt.label-counts", "true");
        o.put("edgesight.mqtt.snapshot-interval-seconds", "1");
        o.put("edgesight.stats.interval-seconds", "1");
        app = new EdgesightApp(new EdgesightApp.Options(Path.of("config/application.properties"), Path.of("routes"), 0, 240, o));
        runner = new Thread(() -> {
            try {
                app.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "edgesight-under-test");
        runner.start();
        Awaitility.await("100 frames published").atMost(150, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().failFast(() -> !runner.isAlive())
                .until(() -> get("/api/cameras", true).statusCode() == 200
                        && JSON.readTree(get("/api/cameras", true).body()).get(0).get("lastSeq").asLong() >= 100);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) app.stop();
        if (runner != null) runner.join(60_000);
        if (mqtt != null) mqtt.close();
        if (broker != null) broker.close();
        if (hook != null) hook.stop(0);
    }

    HttpResponse<String> get(String path, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path)).timeout(Duration.ofSeconds(10));
        if (token) b.header("Authorization", "Bearer " + TOKEN);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void httpApiNeedsTheTokenAndServesCamerasLatestFrameAndStats() throws Exception {
        for (String path : List.of("/", "/api/cameras", "/api/cameras/sample/latest", "/api/cameras/sample/latest.jpg", "/api/stats")) {
            HttpResponse<String> denied = get(path, false);
            assertThat(denied.statusCode()).as(path + " without the token").isEqualTo(401);
            assertThat(denied.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(get(path, true).statusCode()).as(path + " with the token").isEqualTo(200);
        }
        assertThat(get("/api/cameras?token=wrong", false).statusCode()).isEqualTo(401);
        assertThat(get("/?token=" + TOKEN, false).statusCode()).as("the page opened in a browser with ?token=").isEqualTo(200);

        JsonNode cameras = JSON.readTree(get("/api/cameras", true).body());
        assertThat(cameras).hasSize(1);
        JsonNode cam = cameras.get(0);
        assertThat(cam.get("id").asText()).isEqualTo("sample");
        assertThat(cam.get("status").asText()).isEqualTo("online");
        assertThat(cam.get("fps").asDouble()).isPositive();
        assertThat(cam.get("predictions")).hasSize(3);
        assertThat(ShapeRenderer.LABELS).contains(cam.get("predictions").get(0).get("label").asText());

        PayloadSchema.assertValidPayload(get("/api/cameras/sample/latest", true).body());
        assertThat(get("/api/cameras/nope/latest.jpg", true).statusCode()).isEqualTo(404);

        HttpResponse<byte[]> jpg = getBytes("/api/cameras/sample/latest.jpg");
        assertThat(jpg.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpg.body()));
        assertThat(img.getWidth()).as("edgesight.frames.width").isEqualTo(480);
        assertThat(img.getHeight()).isEqualTo(360);

        String stats = get("/api/stats", true).body();
        PayloadSchema.assertValidStats(stats);
        JsonNode s = JSON.readTree(stats);
        assertThat(s.at("/models/sample/inferenceFps").asDouble()).isPositive();
        assertThat(s.at("/models/sample/inferenceLatencyMs/p95").asDouble()).isPositive();
        assertThat(s.at("/mqtt/connected").asBoolean()).isTrue();
        System.out.println("keeping a JPEG copy of each frame costs: " + s.get("frames"));
    }

    @Test
    void prometheusMetrics() throws Exception {
        String m = get("/observe/metrics", false).body();
        assertThat(m).contains("edgesight_camera_fps{camera=\"sample\"}")
                .contains("edgesight_frames_total{camera=\"sample\"}")
                .contains("edgesight_frames_dropped_total{camera=\"sample\"}")
                .contains("edgesight_inference_latency_seconds_bucket{model=\"sample\"")
                .contains("edgesight_inference_fps{model=\"sample\"}")
                .contains("edgesight_batch_fill_ratio_count{model=\"sample\"}")
                .contains("edgesight_mqtt_buffer_depth")
                .contains("edgesight_mqtt_buffer_dropped_total")
                .contains("edgesight_webhook_dead_letters_total");
        double fps = m.lines().filter(l -> l.startsWith("edgesight_camera_fps{camera=\"sample\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
        assertThat(fps).isPositive();
    }

    @Test
    void livePageInHeadlessChromiumShowsTheAnnotatedFrameAndPredictions() throws Exception {
        Chromium.require();
        String url = "http://127.0.0.1:" + http + "/?token=" + TOKEN;
        String dom = Chromium.dumpDom(url, dir.resolve("chromium-dom"), 6000);
        assertThat(dom).contains("data-camera=\"sample\"").contains("data-loaded=\"true\"").contains("data-width=\"480\"");
        assertThat(ShapeRenderer.LABELS.stream().filter(l -> dom.contains("<td class=\"label\">" + l + "</td>")).count())
                .as("the last predictions are listed").isEqualTo(3);
        assertThat(dom).as("no error shown").contains("<div id=\"error\" style=\"display: none;\"></div>");
        assertThat(dom).as("no external scripts, styles or fonts").doesNotContain("src=\"http").doesNotContain("href=\"http");

        Path png = Path.of("target/live-page.png");
        Chromium.screenshot(url, dir.resolve("chromium-shot"), png, 1280, 800, 6000);
        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot.getWidth()).isEqualTo(1280);
        // the annotated frame fills the card's picture area: many colours there, not an empty placeholder
        Set<Integer> colours = new HashSet<>();
        for (int y = 120; y < 540; y += 4) for (int x = 30; x < 620; x += 4) colours.add(shot.getRGB(x, y));
        assertThat(colours.size()).as("distinct colours in the frame area of %s", png).isGreaterThan(200);
        System.out.println("live page screenshot: " + png.toAbsolutePath());

        assertThat(Chromium.dumpDom("http://127.0.0.1:" + http + "/", dir.resolve("chromium-noauth"), 1000))
                .as("without the token").contains("authentication required");
    }

    @Test
    void webhookRetriesWithBackoffThenDelivers() throws Exception {
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> hits.size() >= 10);
        List<Hit> h = new ArrayList<>(hits);
        assertThat(h.subList(0, 3)).extracting(Hit::status).containsExactly(500, 500, 200);
        assertThat(h.subList(0, 3)).extracting(Hit::seq).as("the same prediction, retried").containsOnly(h.get(0).seq());
        long firstGap = (h.get(1).nanos() - h.get(0).nanos()) / 1_000_000;
        long secondGap = (h.get(2).nanos() - h.get(1).nanos()) / 1_000_000;
        assertThat(firstGap).as("backoff-ms").isGreaterThanOrEqualTo(190);
        assertThat(secondGap).as("then twice as long").isGreaterThanOrEqualTo(390);
        // after that every prediction is delivered, in order
        List<Long> delivered = h.stream().filter(x -> x.status() == 200).map(Hit::seq).toList();
        for (int i = 1; i < delivered.size(); i++) assertThat(delivered.get(i)).isEqualTo(delivered.get(i - 1) + 1);
        assertThat(h).extracting(Hit::camera).containsOnly("sample");
        assertThat(h).extracting(Hit::contentType).allMatch(ct -> ct.startsWith("application/json"));
        assertThat(dir.resolve("out/dead-letter.jsonl")).doesNotExist();
    }

    @Test
    void mqttTopicsAndEveryPayloadValidates() throws Exception {
        Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> topics().containsAll(
                List.of("edgesight/available", "edgesight/stats", "edgesight/sample/predictions", "edgesight/sample/snapshot")));
        int predictions = 0, stats = 0, counts = 0;
        for (MqttCollector.Received r : mqtt.messages()) {
            String t = r.topic();
            if (t.equals("edgesight/sample/predictions")) {
                PayloadSchema.assertValidPayload(r.payload());
                predictions++;
            } else if (t.equals("edgesight/stats")) {
                PayloadSchema.assertValidStats(r.payload());
                stats++;
            } else if (t.equals("edgesight/sample/snapshot")) {
                assertThat(r.bytes()[0] & 0xff).isEqualTo(0xFF);
                assertThat(r.bytes()[1] & 0xff).as("a JPEG").isEqualTo(0xD8);
                assertThat(ImageIO.read(new ByteArrayInputStream(r.bytes())).getWidth()).isEqualTo(480);
            } else if (t.equals("edgesight/available")) {
                assertThat(r.payload()).isEqualTo("online");
            } else if (t.equals("edgesight/sample/status")) {
                assertThat(r.payload()).contains("\"camera\":\"sample\""); // retained camera status (docs/CAMERAS.md)
            } else {
                assertThat(t).matches("edgesight/sample/(red_circle|green_square|blue_triangle|yellow_star)");
                assertThat(r.payload()).matches("[0-9]+");
                counts++;
            }
        }
        assertThat(predictions).isGreaterThan(50);
        assertThat(stats).isPositive();
        assertThat(counts).as("label counts").isPositive();
    }

    Set<String> topics() {
        Set<String> s = new HashSet<>();
        mqtt.messages().forEach(m -> s.add(m.topic()));
        return s;
    }

    @Test
    void jsonLinesAreRotatedBySizeAndSnapshotsAreAnnotatedJpegs() throws Exception {
        Path out = dir.resolve("out");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> rotatedFiles(out).size() >= 3);
        List<Path> files = new ArrayList<>(rotatedFiles(out));
        assertThat(files).as("edgesight.output.keep").hasSizeLessThanOrEqualTo(3);
        files.add(out.resolve("sample.jsonl"));
        for (Path f : files) {
            assertThat(Files.size(f)).as(f + " within max-bytes").isLessThanOrEqualTo(16000);
            for (String line : Files.readAllLines(f)) PayloadSchema.assertValidPayload(line);
        }
        List<Path> snaps;
        try (Stream<Path> s = Files.list(dir.resolve("snapshots/sample"))) {
            snaps = s.filter(p -> p.toString().endsWith(".jpg")).toList();
        }
        assertThat(snaps).isNotEmpty();
        BufferedImage img = ImageIO.read(snaps.get(0).toFile());
        assertThat(img.getWidth()).isEqualTo(480);
        assertThat(snaps.get(0).getFileName().toString()).matches("sample-\\d{8}T\\d{6}\\.\\d{3}Z-\\d+\\.jpg");
    }

    static List<Path> rotatedFiles(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().matches("sample-.*\\.jsonl")).sorted().toList();
        }
    }

    static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
}
