package io.edgesight.cameras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.stats.PipelineTracker;
import io.edgesight.sample.ShapeRenderer;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.MjpegServer;
import io.edgesight.testing.MqttCollector;
import io.edgesight.testing.RtspServer;
import io.edgesight.testing.Tools;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 4: four cameras of four kinds (MJPEG, RTSP, CSI through gst-launch, image folder) feed the one
 * batcher of the real routes, with inference slowed down (a delay after infer:) so the pipeline cannot take every
 * frame. Each prediction must carry its own camera's id (each camera has its own frame size and, for two of them,
 * its own shape), and the 5 fps MJPEG camera must still get its frames inferred next to the 25 fps RTSP camera.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class ManyCamerasOneBatcherTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** camera -> frame size it delivers. */
    static final Map<String, int[]> SIZES = Map.of("sample", new int[] {176, 144}, "rtsp", new int[] {320, 240},
            "csi", new int[] {352, 288}, "folder", new int[] {200, 150});

    static List<Mat> shapes(int classId, int n, int w, int h, long seed) {
        Random rnd = new Random(seed);
        List<Mat> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(ShapeRenderer.render(classId, w, h, rnd));
        return out;
    }

    static String slowInference(String pipeline) {
        String marker = "\n          - to: \"infer:{{model}}\"\n";
        assertThat(pipeline).as("the jar's pipeline.yaml still runs infer:{{model}}").contains(marker);
        return pipeline.replace(marker, marker + "          - delay:\n              asyncDelayed: false\n              expression:\n                constant: \"150\"\n");
    }

    @Test
    void fourKindsIntoOneBatcherKeepTheirCameraIdsAndTheSlowCameraIsNotStarved(@TempDir Path tmp) throws Exception {
        Tools.requireGstreamer();
        Path folder = Files.createDirectories(tmp.resolve("stars"));
        List<Mat> stars = shapes(3, 12, 200, 150, 11);
        for (int i = 0; i < stars.size(); i++) imwrite(folder.resolve(String.format("star-%03d.png", i)).toString(), stars.get(i));
        try (RtspServer rtsp = RtspServer.start(320, 240, 25, "ball");
             MjpegServer mjpeg = MjpegServer.start(shapes(0, 10, 176, 144, 5), 5, true);
             EmbeddedMqttBroker broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
             MqttCollector mqtt = new MqttCollector(broker.url(), "edgesight/+/predictions")) {
            String cameras = AppRunner.cameraRoute("rtsp", rtsp.url(), Map.of())
                    + AppRunner.cameraRoute("csi", "csi://0", Map.of("csiEmulation", "true", "width", "352", "height", "288", "captureFps", "10"))
                    + AppRunner.cameraRoute("folder", "folder:" + folder, Map.of("loop", "true", "pacing", "realtime", "fps", "5"));
            Path routes = AppRunner.routes(tmp.resolve("routes"), cameras, ManyCamerasOneBatcherTest::slowInference);
            Map<String, String> o = new LinkedHashMap<>();
            o.put("edgesight.mqtt.broker-url", broker.url());
            o.put("edgesight.cameras.sample.url", mjpeg.url()); // the configured camera is the slow MJPEG one
            try (AppRunner app = new AppRunner(routes, tmp.resolve("out"), o)) {
                Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).until(() ->
                        SIZES.keySet().stream().allMatch(c -> count(mqtt, c) >= 5));
                PipelineTracker t = app.app().tracker();
                Map<String, long[]> start = snapshot(t);
                Thread.sleep(12_000);
                Map<String, long[]> end = snapshot(t);
                assertThat(app.running()).isTrue();

                Map<String, Integer> right = new HashMap<>();
                Map<String, Integer> all = new HashMap<>();
                for (MqttCollector.Received m : mqtt.messages()) {
                    JsonNode p = JSON.readTree(m.payload());
                    String camera = p.get("camera").asText();
                    assertThat(m.topic()).isEqualTo("edgesight/" + camera + "/predictions");
                    assertThat(SIZES).containsKey(camera);
                    assertThat(new int[] {p.get("frame").get("width").asInt(), p.get("frame").get("height").asInt()})
                            .as("frame size of a %s prediction", camera).containsExactly(SIZES.get(camera));
                    all.merge(camera, 1, Integer::sum);
                    String label = p.get("predictions").get(0).get("label").asText();
                    if (camera.equals("sample") && label.equals("red_circle")) right.merge(camera, 1, Integer::sum);
                    if (camera.equals("folder") && label.equals("yellow_star")) right.merge(camera, 1, Integer::sum);
                }
                assertThat((double) right.getOrDefault("sample", 0) / all.get("sample")).as("MJPEG red circles").isGreaterThan(0.9);
                assertThat((double) right.getOrDefault("folder", 0) / all.get("folder")).as("folder yellow stars").isGreaterThan(0.9);

                // in the 12 s window: frames each camera offered (to the pipeline or dropped) and how many got inferred
                StringBuilder report = new StringBuilder();
                for (String c : List.of("rtsp", "csi", "sample", "folder")) {
                    long offered = (end.get(c)[0] - start.get(c)[0]) + (end.get(c)[2] - start.get(c)[2]);
                    long published = end.get(c)[1] - start.get(c)[1];
                    report.append(String.format("%s offered %d, inferred %d, dropped %d; ", c, offered, published,
                            end.get(c)[2] - start.get(c)[2]));
                }
                System.out.println("four cameras, inference slowed: " + report);
                long slowOffered = (end.get("sample")[0] - start.get("sample")[0]) + (end.get("sample")[2] - start.get("sample")[2]);
                long slowInferred = end.get("sample")[1] - start.get("sample")[1];
                long fastInferred = end.get("rtsp")[1] - start.get("rtsp")[1];
                long fastDropped = end.get("rtsp")[2] - start.get("rtsp")[2];
                assertThat(fastDropped).as("the pipeline is really overloaded: the 25 fps camera drops").isGreaterThan(20);
                assertThat(slowOffered).as("5 fps for 12 s").isBetween(40L, 75L);
                assertThat((double) slowInferred / slowOffered).as("the slow camera still gets (nearly) every frame inferred")
                        .isGreaterThanOrEqualTo(0.85);
                assertThat(fastInferred).as("and the fast one gets at least as many").isGreaterThanOrEqualTo(slowInferred * 9 / 10);
            }
        }
    }

    static long count(MqttCollector mqtt, String camera) {
        return mqtt.messages().stream().filter(m -> m.topic().equals("edgesight/" + camera + "/predictions")).count();
    }

    /** camera -> {emitted, published, dropped}. */
    static Map<String, long[]> snapshot(PipelineTracker t) {
        Map<String, long[]> m = new HashMap<>();
        for (String c : SIZES.keySet()) m.put(c, new long[] {t.emitted(c), t.published(c), t.dropped(c)});
        return m;
    }
}
