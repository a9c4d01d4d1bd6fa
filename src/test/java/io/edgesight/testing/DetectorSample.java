package io.edgesight.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The COCO detector sample and the test photographs, prepared by the project's own scripts
 * ({@code samples/detector/fetch.sh}, {@code photos.sh}) exactly as a user runs them, with edgesight run from the
 * test classpath. Tools the scripts need (npm, node, apt-get) missing: the test is skipped on a developer machine
 * and FAILS under CI (env CI set), where .ci/run installs them.
 */
public final class DetectorSample {
    public static final Path DIR = Path.of("samples/detector");
    public static final Path MODEL = DIR.resolve("model");
    public static final Path MODEL_JSON = DIR.resolve(".download/centernet.json");
    /** The second detector (NanoDet), the face detector (BlazeFace) and the face attribute model (GEAR), imported. */
    public static final Path NANODET = DIR.resolve("nanodet"), FACE = DIR.resolve("face"), GEAR = DIR.resolve("gear");
    public static final Path NANODET_JSON = DIR.resolve(".download/nanodet.json");
    public static final Path PHOTOS = DIR.resolve(".download/photos");

    private static boolean fetched, imported, photos;

    private DetectorSample() {}

    /** The downloaded TF.js model (model.json + shard), not imported. */
    public static synchronized Path modelJson() {
        if (!fetched) {
            requireTool("npm");
            run(List.of("bash", DIR.resolve("fetch.sh").toString(), "--download-only"), 600);
            fetched = true;
        }
        return MODEL_JSON;
    }

    /** samples/detector/nanodet (imported with the others by {@link #model()}). */
    public static Path nanodet() {
        model();
        return NANODET;
    }

    /** samples/detector/model, imported by fetch.sh in this JVM's run (re-imported so it reflects this build). */
    public static synchronized Path model() {
        if (!imported) {
            requireTool("npm");
            run(List.of("bash", DIR.resolve("fetch.sh").toString(), "--reimport"), 900);
            fetched = imported = true;
        }
        return MODEL;
    }

    public static synchronized Path photos() {
        if (!photos) {
            requireTool("apt-get");
            requireTool("dpkg-deb");
            run(List.of("bash", DIR.resolve("photos.sh").toString()), 600);
            photos = true;
        }
        return PHOTOS;
    }

    /** The edgesight command line of this test JVM, for the scripts. */
    public static String edgesightCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -cp " + System.getProperty("java.class.path")
                + " io.edgesight.cli.EdgesightCli";
    }

    public static void requireTool(String tool) {
        if (onPath(tool)) return;
        String msg = tool + " is not installed (.ci/run installs it)";
        if (System.getenv("CI") != null) fail(msg + "; CI is set, so this test fails instead of being skipped");
        Assumptions.abort(msg);
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Path.of(dir, tool).toFile().canExecute()) return true;
        }
        return false;
    }

    /** Runs a command from the repo root; fails the test with its output when it fails. Returns stdout+stderr. */
    public static String run(List<String> cmd, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
            pb.environment().put("EDGESIGHT", edgesightCommand());
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) fail(String.join(" ", cmd) + " failed with exit " + p.exitValue() + ":\n" + text);
            return text;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
