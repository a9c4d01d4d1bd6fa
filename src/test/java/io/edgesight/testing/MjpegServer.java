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
    private final List<byte[]> jpegs = new ArrayList<>();
    private final boolean contentLength;
    private final long periodMillis;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    /** After this many parts per connection the server closes it (0 = never): a stream that ends. */
    private volatile int partsPerConnection;
    private volatile String lastAuthorization;

    private MjpegServer(List<Mat> frames, double fps, boolean contentLength) throws IOException {
        for (Mat m : frames) {
            try (BytePointer buf = new BytePointer()) {
                imencode(".jpg", m, buf);
                byte[] b = new byte[(int) buf.limit()];
                buf.get(b);
                jpegs.add(b);
            }
        }
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
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            String boundary = "123456789000000000000987654321";
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace;boundary=" + boundary);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                int n = 0;
                while (partsPerConnection == 0 || n < partsPerConnection) {
                    byte[] jpeg = jpegs.get((int) (sent.get() % jpegs.size()));
                    StringBuilder h = new StringBuilder("--" + boundary + "\r\nContent-Type: image/jpeg\r\n");
                    if (this.contentLength) h.append("Content-Length: ").append(jpeg.length).append("\r\n");
                    h.append("X-Timestamp: ").append(System.currentTimeMillis()).append("\r\n\r\n");
                    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
                    out.write(jpeg);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    sent.incrementAndGet();
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
