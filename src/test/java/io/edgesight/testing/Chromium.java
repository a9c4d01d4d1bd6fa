package io.edgesight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium (package {@code chromium}, installed by .ci/run), each run with a fresh profile and
 * nothing that phones home. Tests that need it fail when CI is set and it is missing, and are skipped otherwise.
 */
public final class Chromium {
    public static final Path BINARY = Path.of("/usr/bin/chromium");

    private Chromium() {}

    public static void require() {
        boolean present = Files.isExecutable(BINARY);
        if (System.getenv("CI") != null) {
            assertThat(present).as("CI must have " + BINARY + " (.ci/run installs the Debian package chromium)").isTrue();
        }
        assumeTrue(present, "chromium not installed (apt-get install chromium)");
    }

    /** The page's DOM after its scripts ran for {@code budgetMillis} of virtual time. */
    public static String dumpDom(String url, Path profile, int budgetMillis) throws Exception {
        Path out = Files.createTempFile("dom", ".html");
        run(profile, out, List.of("--virtual-time-budget=" + budgetMillis, "--dump-dom", url));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** A PNG screenshot of the page after its scripts ran for {@code budgetMillis} of virtual time. */
    public static void screenshot(String url, Path profile, Path png, int width, int height, int budgetMillis) throws Exception {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(profile, null, List.of("--window-size=" + width + "," + height, "--virtual-time-budget=" + budgetMillis,
                "--screenshot=" + png.toAbsolutePath(), url));
        assertThat(png).exists();
    }

    private static void run(Path profile, Path stdout, List<String> args) throws Exception {
        require();
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath()));
        cmd.addAll(args);
        Files.createDirectories(profile);
        Path err = Files.createTempFile("chromium", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        if (stdout != null) pb.redirectOutput(stdout.toFile());
        else pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("chromium: %s", Files.readString(err)).isZero();
    }
}
