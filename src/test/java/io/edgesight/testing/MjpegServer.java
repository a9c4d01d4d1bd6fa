package io.edgesight.testing;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An HTTP MJPEG camera on 127.0.0.1 as IP cameras and ESP32-CAMs serve one: GET /stream answers
 * multipart/x-mixed-replace with one JPEG per part at a fixed rate, with or without Content-Length headers.
 */
public final class MjpegServer implements AutoCloseable {
    private final HttpServer server;
    private volatile List<byte[]> jpegs = new ArrayList<>();
    /** Parts sent next, in place of frames (corrupt or truncated JPEGs), counted in {@link #injectedSent()}. */
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> injected = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicLong injectedSent = new AtomicLong();
    /** While set, every connection (new or streaming) gets nothing at all: a camera that hangs. */
    private volatile boolean stalled;
    private final boolean contentLength;
    private final long periodMillis;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    /** After this many parts per connection the server closes it (0 = never): a stream that ends. */
    private volatile int partsPerConnection;
    private volatile String lastAuthorization;

    private MjpegServer(List<Mat> frames, double fps, boolean contentLength) throws IOException {
        jpegs = encode(frames);
        this.contentLength = contentLength;
        this.periodMillis = (long) (1000 / fps);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mjpeg-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/stream", exchange -> {
            connections.incrementAndGet();
            try {
                while (stalled) Thread.sleep(20); // accepted, and not even the response headers
            } catch (InterruptedException e) {
                return;
            }
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            String boundary = "123456789000000000000987654321";
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace;boundary=" + boundary);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                int n = 0;
                while (partsPerConnection == 0 || n < partsPerConnection) {
                    while (stalled) Thread.sleep(20);
                    byte[] bad = injected.poll();
                    List<byte[]> current = jpegs;
                    byte[] jpeg = bad != null ? bad : current.get((int) (sent.get() % current.size()));
                    StringBuilder h = new StringBuilder("--" + boundary + "\r\nContent-Type: image/jpeg\r\n");
                    if (this.contentLength) h.append("Content-Length: ").append(jpeg.length).append("\r\n");
                    h.append("X-Timestamp: ").append(System.currentTimeMillis()).append("\r\n\r\n");
                    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
                    out.write(jpeg);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (bad != null) injectedSent.incrementAndGet();
                    else sent.incrementAndGet();
                    n++;
                    Thread.sleep(periodMillis);
                }
            } catch (IOException | InterruptedException e) {
                // client went away
            }
        });
        server.createContext("/snapshot.jpg", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
            exchange.sendResponseHeaders(200, jpegs.get(0).length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jpegs.get(0));
            }
        });
        server.start();
    }

    private static List<byte[]> encode(List<Mat> frames) {
        List<byte[]> out = new ArrayList<>();
        for (Mat m : frames) {
            try (BytePointer buf = new BytePointer()) {
                imencode(".jpg", m, buf);
                byte[] b = new byte[(int) buf.limit()];
                buf.get(b);
                out.add(b);
            }
        }
        return out;
    }

    /** From the next part on, these frames (e.g. another resolution). */
    public void frames(List<Mat> frames) { jpegs = encode(frames); }

    /** The JPEG of the current first frame (to make a truncated copy of). */
    public byte[] jpeg() { return jpegs.get(0); }

    /** Sends these parts next, each as one part of the stream, instead of frames. */
    public void inject(List<byte[]> parts) { injected.addAll(parts); }

    public long injectedSent() { return injectedSent.get(); }

    /** Stops (true) or resumes (false) sending anything on every connection; connections stay open. */
    public void stall(boolean on) { stalled = on; }

    public static MjpegServer start(List<Mat> frames, double fps, boolean contentLength) throws IOException {
        return new MjpegServer(frames, fps, contentLength);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/stream";
    }

    public String url(String userInfo) {
        return "http://" + userInfo + "@127.0.0.1:" + server.getAddress().getPort() + "/stream";
    }

    public int port() { return server.getAddress().getPort(); }
    public long sent() { return sent.get(); }
    public int connections() { return connections.get(); }
    public String lastAuthorization() { return lastAuthorization; }
    public void partsPerConnection(int n) { partsPerConnection = n; }

    @Override
    public void close() {
        server.stop(0);
    }
}
