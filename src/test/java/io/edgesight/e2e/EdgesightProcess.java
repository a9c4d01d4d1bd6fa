package io.edgesight.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** edgesight run as a user runs it: a separate JVM (so it can be killed with SIGKILL), output in a log file. */
public final class EdgesightProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private EdgesightProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static EdgesightProcess start(Path log, Map<String, String> sets) throws IOException {
        return start(log, Path.of("routes"), sets);
    }

    /** With the routes of {@code routes} (e.g. AppRunner.routes with more cameras). */
    public static EdgesightProcess start(Path log, Path routes, Map<String, String> sets) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                "-cp", System.getProperty("java.class.path"), "io.edgesight.cli.EdgesightCli", "run",
                "--config", "config/application.properties", "--routes", routes.toString(), "--duration", "300"));
        sets.forEach((k, v) -> {
            cmd.add("--set");
            cmd.add(k + "=" + v);
        });
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new EdgesightProcess(p, log);
    }

    /** SIGTERM, as systemd and Ctrl-C stop it: the shutdown hooks run. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the exit; null when it is still running after {@code seconds}. */
    public Integer waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    /** kill -9: no shutdown hook runs, the MQTT connection just drops. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean isAlive() { return process.isAlive(); }

    /** The exit code; only once it has exited. */
    public int exitCode() { return process.exitValue(); }

    public long pid() { return process.pid(); }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
