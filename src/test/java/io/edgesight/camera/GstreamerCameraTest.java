package io.edgesight.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.edgesight.testing.CameraHarness;
import io.edgesight.testing.Tools;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CSI code path with a real gst-launch-1.0 child process: videotestsrc stands in for nvarguscamerasrc
 * (csiEmulation=true), everything else is what runs on a Jetson.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class GstreamerCameraTest {
    static final int W = 336, H = 240;
    /** SMPTE bars (videotestsrc draws them at full intensity), BGR: white, yellow, cyan, green, magenta, red, blue. */
    static final int[][] BARS = {{255, 255, 255}, {0, 255, 255}, {255, 255, 0}, {0, 255, 0}, {255, 0, 255}, {0, 0, 255}, {255, 0, 0}};

    @BeforeAll
    static void tools() {
        Tools.requireGstreamer();
    }

    static int[][] barCentres() {
        int[][] p = new int[7][];
        for (int k = 0; k < 7; k++) p[k] = new int[] {(int) ((k + 0.5) * W / 7), H / 4};
        return p;
    }

    static void assertBars(int[][] probes, boolean mirrored) {
        for (int k = 0; k < 7; k++) {
            int[] expected = BARS[mirrored ? 6 - k : k];
            for (int c = 0; c < 3; c++) {
                assertThat(probes[k][c]).as("bar %d channel %d (BGR)", k, c).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(30));
            }
        }
    }

    static List<ProcessHandle> gstChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("gst-launch-1.0")).orElse(false)).toList();
    }

    @Test
    void csiPipelineDeliversFramesWithCorrectColoursAndFlip() throws Exception {
        try (CameraHarness h = new CameraHarness(
                "camera:csi0?url=csi://0&csiEmulation=true&width=" + W + "&height=" + H + "&captureFps=30",
                "camera:csi1?url=csi://1&csiEmulation=true&width=" + W + "&height=" + H + "&captureFps=30&flipMethod=4")) {
            h.probes(barCentres()).start();
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> h.frames("csi0").size() >= 10 && h.frames("csi1").size() >= 10);
            CameraHarness.Received f = h.frames("csi0").get(5);
            assertThat(f.width()).isEqualTo(W);
            assertThat(f.height()).isEqualTo(H);
            assertBars(f.probes(), false);
            assertBars(h.frames("csi1").get(5).probes(), true); // horizontal flip: bars in reverse order
            assertThat(h.state("csi0").status()).isEqualTo(CameraStatus.online);
        }
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> gstChildren().isEmpty());
    }

    @Test
    void targetFpsThinsALiveCamera() throws Exception {
        try (CameraHarness h = new CameraHarness(
                "camera:thin?url=csi://0&csiEmulation=true&width=64&height=48&captureFps=30&fps=10")) {
            h.start();
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> h.frames("thin").size() >= 2);
            int before = h.frames("thin").size();
            long grabbedBefore = h.state("thin").grabbed();
            Thread.sleep(3000);
            int kept = h.frames("thin").size() - before;
            long grabbed = h.state("thin").grabbed() - grabbedBefore;
            System.out.printf("fps=10 on a 30 fps camera: %d of %d frames in 3 s%n", kept, grabbed);
            assertThat(kept).isBetween(25, 35);
            assertThat(grabbed).isGreaterThan(75);
            assertThat(h.state("thin").skipped()).isPositive();
        }
    }

    @Test
    void aRotatingFlipSwapsWidthAndHeight() throws Exception {
        try (CameraHarness h = new CameraHarness(
                "camera:rot?url=csi://0&csiEmulation=true&width=" + W + "&height=" + H + "&captureFps=30&flipMethod=1")) {
            h.start();
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> h.frames("rot").size() >= 3);
            assertThat(h.frames("rot").get(0).width()).isEqualTo(H);
            assertThat(h.frames("rot").get(0).height()).isEqualTo(W);
        }
    }

    @Test
    void aKilledChildIsRestartedAndNothingIsLeftAfterStop() throws Exception {
        long pidBefore;
        long restartMillis;
        try (CameraHarness h = new CameraHarness("camera:csi?url=csi://0&csiEmulation=true&width=160&height=120"
                + "&captureFps=25&reconnectDelayMs=200&reconnectMaxDelayMs=1000")) {
            h.start();
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> h.frames("csi").size() >= 10);
            List<ProcessHandle> children = gstChildren();
            assertThat(children).hasSize(1);
            ProcessHandle child = children.get(0);
            pidBefore = child.pid();
            int framesBefore = h.frames("csi").size();
            long killedAt = System.nanoTime();
            child.destroyForcibly(); // SIGKILL, as the OOM killer or a crashing driver would
            Awaitility.await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> h.frames("csi").size() > framesBefore + 10
                            && gstChildren().stream().anyMatch(p -> p.pid() != pidBefore));
            restartMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(gstChildren()).hasSize(1).allMatch(p -> p.pid() != pidBefore);
            assertThat(h.state("csi").reconnects()).isEqualTo(1);
            Awaitility.await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(h.statuses())
                    .containsSubsequence("csi:online", "csi:offline", "csi:reconnecting", "csi:online"));
            System.out.printf("gstreamer: child %d killed, new child delivering frames after %d ms%n", pidBefore, restartMillis);
        }
        // stop: the child is gone and reaped (no orphan, no zombie)
        assertThat(gstChildren()).isEmpty();
        assertThat(zombieChildren()).isEmpty();
        assertThat(ProcessHandle.of(pidBefore).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    /** Children of this JVM in state Z. */
    static List<String> zombieChildren() throws Exception {
        long me = ProcessHandle.current().pid();
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).map(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String afterName = stat.substring(stat.lastIndexOf(')') + 2);
                    String[] f = afterName.split(" ");
                    return f[0].equals("Z") && Long.parseLong(f[1]) == me ? Optional.of(stat) : Optional.<String>empty();
                } catch (Exception e) {
                    return Optional.<String>empty();
                }
            }).flatMap(Optional::stream).toList();
        }
    }

    @Test
    void customPipelineAndAMissingElement() throws Exception {
        try (CameraHarness h = new CameraHarness(
                "camera:custom?url=RAW(gst:videotestsrc is-live=true pattern=red ! video/x-raw,framerate=25/1)&width=64&height=48",
                "camera:broken?url=RAW(gst:nosuchcamerasrc sensor-id=0)&width=64&height=48")) {
            h.probes(new int[][] {{32, 24}}).start();
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> h.frames("custom").size() >= 5
                    && h.state("broken").failed());
            int[] px = h.frames("custom").get(2).probes()[0];
            assertThat(px[0]).isLessThan(40);
            assertThat(px[1]).isLessThan(40);
            assertThat(px[2]).isGreaterThan(200);
            CameraState broken = h.state("broken");
            assertThat(broken.status()).isEqualTo(CameraStatus.offline);
            assertThat(broken.error()).isEqualTo("camera 'broken': GStreamer has no element \"nosuchcamerasrc\"; check the pipeline,"
                    + " or install the plugin that provides it (gst-inspect-1.0 nosuchcamerasrc)");
            assertThat(broken.reconnects()).isZero();
            int before = h.frames("custom").size();
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> h.frames("custom").size() > before + 5);
        }
    }
}
