package io.edgesight.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small real filesystem that fills up: {@code mount -t tmpfs -o size=N tmpfs DIR}. Needs root (CI runs as root);
 * elsewhere the test is skipped with the reason, and fails when the environment variable CI is set.
 */
final class TmpfsMount implements AutoCloseable {
    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    /** Skips (or fails on CI) when a tmpfs cannot be mounted here; leaves nothing mounted. */
    static void require(Path dir, String size) throws Exception {
        String why = null;
        try {
            mount(dir, size).close();
        } catch (IllegalStateException e) {
            why = e.getMessage();
        }
        if (System.getenv("CI") != null) assertThat(why).as("CI runs as root and must be able to mount a tmpfs").isNull();
        assumeTrue(why == null, why);
    }

    static TmpfsMount mount(Path dir, String size) throws Exception {
        Files.createDirectories(dir);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        if (out != null) throw new IllegalStateException("cannot mount a tmpfs (needs root): " + out);
        return new TmpfsMount(dir);
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(String... cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out.strip();
    }

    @Override
    public void close() throws Exception {
        String out = run("umount", dir.toString());
        if (out != null) run("umount", "-l", dir.toString());
    }
}
