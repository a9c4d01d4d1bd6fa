package io.edgesight.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real RTSP server (gst-rtsp-server, src/test/resources/rtsp/rtsp_server.py under Debian's python3) on
 * 127.0.0.1, serving H.264 test video at rtsp://127.0.0.1:port/test. Can be killed and started again on the
 * same port.
 */
public final class RtspServer implements AutoCloseable {
    private static final Path SCRIPT = Path.of("src/test/resources/rtsp/rtsp_server.py");
    private final int port;
    private final int width;
    private final int height;
    private final int fps;
    private final String pattern;
    private Process process;

    public RtspServer(int port, int width, int height, int fps, String pattern) {
        this.port = port;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.pattern = pattern;
    }

    public static RtspServer start(int width, int height, int fps, String pattern) throws Exception {
        Tools.requireRtspServer();
        RtspServer s = new RtspServer(Ports.free(), width, height, fps, pattern);
        s.start();
        return s;
    }

    public synchronized void start() throws Exception {
        Process p = new ProcessBuilder(List.of(Tools.PYTHON.toString(), SCRIPT.toString(), Integer.toString(port),
                Integer.toString(width), Integer.toString(height), Integer.toString(fps), pattern))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line = ready.get(20, TimeUnit.SECONDS);
        if (line == null || !line.startsWith("READY")) {
            p.destroyForcibly();
            throw new IllegalStateException("RTSP server did not start on port " + port + ": " + line);
        }
        process = p;
    }

    /** SIGKILL: the server vanishes mid-stream, as a camera losing power does. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public String url() {
        return "rtsp://127.0.0.1:" + port + "/test";
    }

    public String url(String userInfo) {
        return "rtsp://" + userInfo + "@127.0.0.1:" + port + "/test";
    }

    public int port() { return port; }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
