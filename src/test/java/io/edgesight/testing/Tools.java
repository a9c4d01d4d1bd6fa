package io.edgesight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * External programs some tests need (Debian packages that .ci/run installs). In CI (env CI set) a missing tool
 * fails the test; elsewhere the test is skipped with the reason.
 */
public final class Tools {
    private Tools() {}

    public static final Path PYTHON = Path.of("/usr/bin/python3");

    public static void require(Path tool, String debianPackages) {
        boolean present = Files.isExecutable(tool);
        if (System.getenv("CI") != null) {
            assertThat(present).as(tool + " is missing: .ci/run must install " + debianPackages).isTrue();
        }
        assumeTrue(present, tool + " not installed (apt-get install " + debianPackages + ")");
    }

    /** gst-launch-1.0 with the base/good plugins (videotestsrc, videoflip, videoconvert, x264 for RTSP). */
    public static void requireGstreamer() {
        require(Path.of("/usr/bin/gst-launch-1.0"), "gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good");
    }

    /** Debian's python3 with gst-rtsp-server's introspection data. */
    public static void requireRtspServer() {
        requireGstreamer();
        require(PYTHON, "python3-gi gir1.2-gst-rtsp-server-1.0");
        boolean gir = Files.isRegularFile(Path.of("/usr/lib/x86_64-linux-gnu/girepository-1.0/GstRtspServer-1.0.typelib"))
                || Files.isRegularFile(Path.of("/usr/lib/aarch64-linux-gnu/girepository-1.0/GstRtspServer-1.0.typelib"));
        if (System.getenv("CI") != null) {
            assertThat(gir).as("gir1.2-gst-rtsp-server-1.0 is missing: .ci/run must install it").isTrue();
        }
        assumeTrue(gir, "gir1.2-gst-rtsp-server-1.0 not installed");
    }
}
