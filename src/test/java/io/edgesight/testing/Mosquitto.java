package io.edgesight.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker (Debian package {@code mosquitto}, installed by .ci/run) on 127.0.0.1, a free port and
 * its own config file, with persistence so subscriptions and queued QoS 1 messages survive a restart.
 * Tests that need it fail when the environment variable CI is set and mosquitto is missing, and are skipped
 * otherwise.
 */
public final class Mosquitto implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final Path dir;
    private final int port;
    private Process process;

    private Mosquitto(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Skips the test when mosquitto is not installed, fails it when that happens on CI. */
    public static void require() {
        boolean present = Files.isExecutable(BINARY);
        if (System.getenv("CI") != null) {
            assertThat(present).as("CI must have " + BINARY + " (.ci/run installs the Debian package mosquitto)").isTrue();
        }
        assumeTrue(present, "mosquitto not installed (apt-get install mosquitto)");
    }

    public static Mosquitto start(Path dir) throws Exception {
        return start(dir, java.util.List.of());
    }

    /** {@code listenerOptions}: lines for the listener (e.g. TLS: cafile, certfile, keyfile, require_certificate). */
    public static Mosquitto start(Path dir, java.util.List<String> listenerOptions) throws Exception {
        return start(dir, listenerOptions, true);
    }

    /** Without persistence: a restart forgets every session, subscription and queued message (the broker default). */
    public static Mosquitto startWithoutPersistence(Path dir) throws Exception {
        return start(dir, java.util.List.of(), false);
    }

    /** With {@code extra} lines at the end of its configuration (e.g. a bridge: config/mosquitto-bridge.conf). */
    public static Mosquitto startWith(Path dir, java.util.List<String> extra) throws Exception {
        return start(dir, java.util.List.of(), true, extra);
    }

    private static Mosquitto start(Path dir, java.util.List<String> listenerOptions, boolean persistence) throws Exception {
        return start(dir, listenerOptions, persistence, java.util.List.of());
    }

    private static Mosquitto start(Path dir, java.util.List<String> listenerOptions, boolean persistence,
                                   java.util.List<String> extra) throws Exception {
        require();
        Files.createDirectories(dir.resolve("data"));
        Mosquitto m = new Mosquitto(dir, Ports.free());
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + m.port + " 127.0.0.1",
                String.join("\n", listenerOptions),
                "allow_anonymous true",
                "user " + System.getProperty("user.name"),
                "persistence " + persistence,
                "persistence_location " + dir.resolve("data").toAbsolutePath() + "/",
                "autosave_interval 1",
                "max_queued_messages 100000",
                "max_inflight_messages 100",
                "log_dest file " + dir.resolve("mosquitto.log").toAbsolutePath(),
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                "connection_messages true",
                String.join("\n", extra),
                ""));
        m.startProcess();
        return m;
    }

    private void startProcess() throws Exception {
        process = new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("mosquitto exited: " + Files.readString(dir.resolve("stdout.log")));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port);
    }

    /** SIGTERM (it saves its persistence file) and wait. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port with the same data. */
    public void restart() throws Exception {
        stop();
        startProcess();
    }

    public int port() { return port; }

    public String url() { return "tcp://127.0.0.1:" + port; }

    public String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }
}
