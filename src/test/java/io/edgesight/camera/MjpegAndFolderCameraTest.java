package io.edgesight.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.edgesight.testing.CameraHarness;
import io.edgesight.testing.MjpegServer;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP MJPEG against a real HTTP server started here, and a folder of images. */
class MjpegAndFolderCameraTest {

    static Mat solid(int w, int h, int b, int g, int r) {
        return new Mat(h, w, CV_8UC3, new Scalar(b, g, r, 0));
    }

    static void assertColour(int[] bgr, int b, int g, int r) {
        assertThat(bgr[0]).isCloseTo(b, Offset.offset(12));
        assertThat(bgr[1]).isCloseTo(g, Offset.offset(12));
        assertThat(bgr[2]).isCloseTo(r, Offset.offset(12));
    }

    @Test
    void mjpegWithAndWithoutContentLengthDetectedByContentTypeOrFormat() throws Exception {
        try (MjpegServer withLength = MjpegServer.start(List.of(solid(160, 120, 30, 40, 220)), 25, true);
             MjpegServer noLength = MjpegServer.start(List.of(solid(176, 144, 200, 60, 20)), 25, false);
             CameraHarness h = new CameraHarness(
                     "camera:esp?url=" + withLength.url(), // no format: Content-Type says multipart
                     "camera:ipcam?format=mjpeg&url=" + noLength.url("viewer:s3cr3t"))) {
            h.probes(new int[][] {{80, 60}}).start();
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> h.frames("esp").size() >= 20 && h.frames("ipcam").size() >= 20);
            for (CameraHarness.Received f : h.frames("esp").subList(0, 20)) {
                assertThat(f.width()).isEqualTo(160);
                assertThat(f.height()).isEqualTo(120);
                assertColour(f.probes()[0], 30, 40, 220);
            }
            for (CameraHarness.Received f : h.frames("ipcam").subList(0, 20)) {
                assertThat(f.width()).isEqualTo(176);
                assertColour(f.probes()[0], 200, 60, 20);
            }
            assertThat(noLength.lastAuthorization()).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("viewer:s3cr3t".getBytes(StandardCharsets.UTF_8)));
            assertThat(h.state("ipcam").source()).isEqualTo("MJPEG stream http://***@127.0.0.1:" + noLength.port() + "/stream");
            assertThat(h.state("esp").kind()).isEqualTo("http");
            assertThat(h.state("esp").status()).isEqualTo(CameraStatus.online);
        }
    }

    @Test
    void anMjpegStreamThatEndsIsReopened() throws Exception {
        try (MjpegServer server = MjpegServer.start(List.of(solid(64, 48, 0, 255, 0)), 50, true);
             CameraHarness h = new CameraHarness("camera:esp?format=mjpeg&reconnectDelayMs=100&url=" + server.url())) {
            server.partsPerConnection(10); // an ESP32-CAM that drops the connection now and then
            h.start();
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> h.frames("esp").size() >= 30);
            assertThat(server.connections()).isGreaterThanOrEqualTo(3);
            assertThat(h.state("esp").reconnects()).isGreaterThanOrEqualTo(2);
            // the status route's seda consumer starts polling a second after the context starts
            Awaitility.await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(h.statuses())
                    .containsSubsequence("esp:online", "esp:offline", "esp:reconnecting", "esp:online"));
        }
    }

    @Test
    void aUrlThatIsNotAnMjpegStreamSaysSo() throws Exception {
        try (MjpegServer server = MjpegServer.start(List.of(solid(64, 48, 0, 0, 0)), 5, true);
             CameraHarness h = new CameraHarness("camera:snap?format=mjpeg&url=http://127.0.0.1:" + server.port() + "/snapshot.jpg")) {
            h.start();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> h.state("snap").failed());
            assertThat(h.state("snap").error()).isEqualTo("camera 'snap': MJPEG stream http://127.0.0.1:" + server.port()
                    + "/snapshot.jpg is not an MJPEG stream (Content-Type: image/jpeg, expected multipart/x-mixed-replace)");
        }
    }

    @Test
    void imageFolderInNameOrder(@TempDir Path dir) throws Exception {
        // written out of order; name order is a, b, c10, c2 (plain string order: zero-pad your numbers)
        imwrite(dir.resolve("c2.png").toString(), solid(40, 30, 0, 0, 255));
        imwrite(dir.resolve("a.png").toString(), solid(40, 30, 255, 0, 0));
        imwrite(dir.resolve("c10.jpg").toString(), solid(40, 30, 0, 255, 0));
        imwrite(dir.resolve("b.bmp").toString(), solid(50, 20, 255, 255, 255));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        try (CameraHarness h = new CameraHarness("camera:offline?url=folder:" + dir)) {
            h.probes(new int[][] {{5, 5}}).start();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> h.state("offline").finished());
            List<CameraHarness.Received> f = h.frames("offline");
            assertThat(f).extracting(CameraHarness.Received::seq).containsExactly(0L, 1L, 2L, 3L);
            assertColour(f.get(0).probes()[0], 255, 0, 0);
            assertColour(f.get(1).probes()[0], 255, 255, 255);
            assertThat(f.get(1).width()).isEqualTo(50);
            assertColour(f.get(2).probes()[0], 0, 255, 0);
            assertColour(f.get(3).probes()[0], 0, 0, 255);
            assertThat(h.state("offline").healthy()).as("a finished folder is not a fault").isTrue();
            assertThat(h.state("offline").dropped()).isZero();
        }
    }

    @Test
    void imageFolderLoopsAtItsFpsAndEveryNth(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 4; i++) imwrite(dir.resolve("img" + i + ".png").toString(), solid(20, 20, 60 * i, 0, 0));
        try (CameraHarness h = new CameraHarness("camera:paced?url=folder:" + dir + "&loop=true&pacing=realtime&fps=20",
                "camera:nth?url=folder:" + dir + "&everyNth=2&loop=false")) {
            h.probes(new int[][] {{1, 1}}).start();
            long t0 = System.nanoTime();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> h.frames("paced").size() >= 12);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("12 frames at 20 fps").isBetween(450L, 2500L);
            assertThat(h.frames("paced").subList(0, 8)).extracting(r -> r.probes()[0][0]).containsExactly(0, 60, 120, 180, 0, 60, 120, 180);
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> h.state("nth").finished());
            assertThat(h.frames("nth")).extracting(r -> r.probes()[0][0]).containsExactly(0, 120);
            assertThat(h.state("nth").skipped()).isEqualTo(2);
        }
    }

    @Test
    void aMissingFolderNamesTheCamera(@TempDir Path dir) throws Exception {
        try (CameraHarness h = new CameraHarness("camera:nofolder?url=folder:" + dir.resolve("missing"))) {
            h.start();
            assertThat(h.state("nofolder").failed()).isTrue();
            assertThat(h.state("nofolder").error()).isEqualTo("camera 'nofolder': image folder " + dir.resolve("missing")
                    + " does not exist; check the camera url (folder:<directory>)");
        }
    }
}
