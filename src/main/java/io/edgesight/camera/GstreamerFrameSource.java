package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GStreamer pipeline run as a child process ({@code gst-launch-1.0 -q}) whose raw BGR frames are read from its
 * stdout: Jetson CSI cameras ({@code nvarguscamerasrc ! nvvidconv}, see {@link GstPipelines}) or any pipeline of
 * the user's that produces raw video. The process is killed on close (no orphans) and reaped (no zombies); a
 * process that dies or stalls ends the stream, and the consumer restarts it with backoff.
 */
public class GstreamerFrameSource implements FrameSource {
    private static final Logger LOG = LoggerFactory.getLogger(GstreamerFrameSource.class);
    private static final Pattern NO_ELEMENT = Pattern.compile("no element \"([^\"]+)\"");
    private static final Pattern NO_PROPERTY = Pattern.compile("no property \"([^\"]+)\" in element \"([^\"]+)\"");

    private final String cameraId;
    private final String gstLaunch;
    private final String pipeline;
    private final int width;
    private final int height;
    private final double fps;
    private final long openTimeoutMs;
    private final long readTimeoutMs;

    private volatile Process process;
    private ReadableByteChannel stdout;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private Thread stderrReader;
    private Thread watchdog;
    private volatile long lastDataNanos;
    private volatile boolean firstFrame;
    private volatile String watchdogReason;
    private Mat pending;

    /**
     * @param pipeline the complete pipeline, ending in raw BGR video of {@code width x height} on {@code fdsink fd=1}
     *                 (see {@link GstPipelines#withSink})
     */
    public GstreamerFrameSource(String cameraId, String gstLaunch, String pipeline, int width, int height, double fps,
                                long openTimeoutMs, long readTimeoutMs) {
        this.cameraId = cameraId;
        this.gstLaunch = gstLaunch;
        this.pipeline = pipeline;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.openTimeoutMs = openTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
    }

    public String pipeline() { return pipeline; }

    /** Process id of the running pipeline, or -1. */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    @Override
    public void open() throws CameraException {
        close();
        synchronized (stderrTail) {
            stderrTail.clear();
        }
        List<String> cmd = new ArrayList<>(List.of(gstLaunch, "-q"));
        cmd.addAll(tokens(pipeline));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw CameraException.permanent("camera '" + cameraId + "': cannot run " + gstLaunch + " ("
                    + e.getMessage() + "); install GStreamer's tools (Debian/Ubuntu/JetPack: gstreamer1.0-tools)");
        }
        process = p;
        stdout = Channels.newChannel(p.getInputStream());
        startStderrReader(p.getErrorStream());
        firstFrame = true;
        watchdogReason = null;
        lastDataNanos = System.nanoTime();
        startWatchdog(p);
        LOG.debug("camera '{}': started GStreamer pid {}: {}", cameraId, p.pid(), describe());
        // the first frame proves the pipeline works: a missing element or a dead camera fails the open, not a read
        try {
            pending = readFrame(p);
        } catch (CameraException e) {
            close();
            throw e;
        }
    }

    /**
     * gst-launch quotes each argument it gets as one token, so the pipeline goes in as words: split on blanks
     * outside double quotes ({@code location="a b"} stays one word, without its quotes).
     */
    static List<String> tokens(String pipeline) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < pipeline.length(); i++) {
            char ch = pipeline.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(ch) && !quoted) {
                if (any) out.add(cur.toString());
                cur.setLength(0);
                any = false;
            } else {
                cur.append(ch);
                any = true;
            }
        }
        if (any) out.add(cur.toString());
        return out;
    }

    private void startStderrReader(InputStream err) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String masked = SecretMasker.mask(line.strip());
                    if (masked.isEmpty()) continue;
                    LOG.debug("camera '{}' gst: {}", cameraId, masked);
                    synchronized (stderrTail) {
                        stderrTail.addLast(masked);
                        while (stderrTail.size() > 20) stderrTail.removeFirst();
                    }
                }
            } catch (IOException ignored) {
                // the process went away
            }
        }, "camera-" + cameraId + "-gst-stderr");
        t.setDaemon(true);
        t.start();
        stderrReader = t;
    }

    /** Kills a pipeline that does not deliver its first frame in time, or stops delivering (a stalled camera). */
    private void startWatchdog(Process p) {
        Thread t = new Thread(() -> {
            try {
                while (p.isAlive()) {
                    Thread.sleep(100);
                    long limit = firstFrame ? openTimeoutMs : readTimeoutMs;
                    if (limit > 0 && System.nanoTime() - lastDataNanos > limit * 1_000_000L) {
                        watchdogReason = firstFrame ? "no frame within " + limit + " ms (openTimeoutMs)"
                                : "no frame for " + limit + " ms (readTimeoutMs)";
                        p.destroyForcibly();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "camera-" + cameraId + "-gst-watchdog");
        t.setDaemon(true);
        t.start();
        watchdog = t;
    }

    @Override
    public Mat grab() throws CameraException {
        Mat first = pending;
        if (first != null) {
            pending = null;
            return first;
        }
        Process p = process;
        if (p == null) throw new CameraException("camera '" + cameraId + "': GStreamer pipeline is not running");
        return readFrame(p);
    }

    private Mat readFrame(Process p) throws CameraException {
        Mat mat = new Mat(height, width, CV_8UC3);
        ByteBuffer buf = mat.data().capacity((long) width * height * 3).asByteBuffer();
        try {
            while (buf.hasRemaining()) {
                int n = stdout.read(buf);
                if (n < 0) break;
                lastDataNanos = System.nanoTime();
            }
        } catch (IOException e) {
            // closed under us by abort() or the watchdog
        }
        if (buf.hasRemaining()) {
            mat.close();
            throw ended(p, buf.position());
        }
        firstFrame = false;
        return mat;
    }

    /** Why the pipeline delivered no (complete) frame: element missing, pipeline error, killed, stalled. */
    private CameraException ended(Process p, int partial) {
        Integer exit = null;
        try {
            if (p.waitFor(2, TimeUnit.SECONDS)) exit = p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        joinQuietly(stderrReader, 500);
        String tail;
        List<String> lines;
        synchronized (stderrTail) {
            lines = new ArrayList<>(stderrTail);
        }
        tail = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        String all = String.join("\n", lines);
        Matcher m = NO_ELEMENT.matcher(all);
        if (m.find()) {
            return CameraException.permanent("camera '" + cameraId + "': GStreamer has no element \"" + m.group(1)
                    + "\"; check the pipeline, or install the plugin that provides it (gst-inspect-1.0 " + m.group(1) + ")");
        }
        Matcher pm = NO_PROPERTY.matcher(all);
        if (pm.find()) {
            return CameraException.permanent("camera '" + cameraId + "': GStreamer element \"" + pm.group(2)
                    + "\" has no property \"" + pm.group(1) + "\"; check the pipeline (gst-inspect-1.0 " + pm.group(2) + ")");
        }
        if (all.contains("erroneous pipeline")) {
            return CameraException.permanent("camera '" + cameraId + "': GStreamer cannot parse the pipeline: " + tail);
        }
        String why = watchdogReason != null ? watchdogReason
                : exit == null ? "stopped sending frames"
                : "exited with code " + exit;
        if (partial > 0) why += " after " + partial + " bytes of a frame";
        if (firstFrame && partial > 0 && exit != null && exit == 0) {
            why += "; the pipeline must produce raw video of width x height = " + width + "x" + height;
        }
        return new CameraException("camera '" + cameraId + "': GStreamer pipeline " + why
                + (tail.isEmpty() ? "" : " (" + tail + ")"));
    }

    @Override
    public double frameRate() {
        return fps;
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public void abort() {
        Process p = process;
        if (p != null) p.destroyForcibly();
    }

    @Override
    public String describe() {
        return "GStreamer pipeline '" + SecretMasker.mask(pipeline) + "'";
    }

    @Override
    public void close() {
        Mat m = pending;
        pending = null;
        if (m != null) m.close();
        Process p = process;
        process = null;
        if (p == null) return;
        p.destroy(); // SIGTERM: gst-launch stops its pipeline
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS); // reaped: no zombie left behind
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            p.getInputStream().close();
            p.getErrorStream().close();
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // nothing left to read
        }
        if (watchdog != null) watchdog.interrupt();
        joinQuietly(stderrReader, 500);
        LOG.debug("camera '{}': GStreamer pid {} stopped", cameraId, p.pid());
    }

    private static void joinQuietly(Thread t, long millis) {
        if (t == null) return;
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
