package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP MJPEG streams ({@code multipart/x-mixed-replace}), as IP cameras and ESP32-CAMs serve them: each part is
 * one JPEG, with or without a Content-Length header. Credentials in the URL are sent as HTTP Basic auth.
 */
public class MjpegFrameSource implements FrameSource {
    private static final Logger LOG = LoggerFactory.getLogger(MjpegFrameSource.class);

    private final String cameraId;
    private final String url;
    private final int openTimeoutMs;
    private final int readTimeoutMs;
    private volatile HttpURLConnection connection;
    private InputStream in;
    private MjpegParts parts;
    private long corrupt;

    public MjpegFrameSource(String cameraId, String url, int openTimeoutMs, int readTimeoutMs) {
        this.cameraId = cameraId;
        this.url = url;
        this.openTimeoutMs = openTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
    }

    /** Opens the HTTP connection; returns its Content-Type without reading the body. */
    static HttpURLConnection connect(String cameraId, String url, int openTimeoutMs, int readTimeoutMs) throws CameraException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw CameraException.permanent("camera '" + cameraId + "': bad URL " + SecretMasker.mask(url));
        }
        String userInfo = uri.getRawUserInfo();
        try {
            URI noCredentials = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getRawPath() == null ? null : uri.getPath(),
                    uri.getQuery(), null);
            HttpURLConnection c = (HttpURLConnection) noCredentials.toURL().openConnection();
            c.setConnectTimeout(openTimeoutMs);
            c.setReadTimeout(readTimeoutMs);
            c.setInstanceFollowRedirects(true);
            c.setRequestProperty("User-Agent", "edgesight");
            if (userInfo != null) {
                String plain = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
                c.setRequestProperty("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.UTF_8)));
            }
            int code = c.getResponseCode();
            if (code != 200) {
                c.disconnect();
                String hint = code == 401 || code == 403 ? "; check the user and password in the url" : code == 404 ? "; check the path" : "";
                throw new CameraException("camera '" + cameraId + "': " + SecretMasker.mask(url) + " answered HTTP " + code + hint);
            }
            return c;
        } catch (CameraException e) {
            throw e;
        } catch (Exception e) {
            throw new CameraException("camera '" + cameraId + "': cannot open " + SecretMasker.mask(url) + " ("
                    + SecretMasker.mask(String.valueOf(e.getMessage())) + "); check the address, port and that the camera is on");
        }
    }

    static boolean isMultipart(HttpURLConnection c) {
        String type = c.getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    @Override
    public void open() throws CameraException {
        close();
        HttpURLConnection c = connect(cameraId, url, openTimeoutMs, readTimeoutMs);
        use(c);
    }

    /** Takes over a connection already opened (content-type sniffing). */
    void use(HttpURLConnection c) throws CameraException {
        String type = c.getContentType();
        if (!isMultipart(c)) {
            c.disconnect();
            throw CameraException.permanent("camera '" + cameraId + "': " + describe() + " is not an MJPEG stream (Content-Type: "
                    + type + ", expected multipart/x-mixed-replace)");
        }
        try {
            in = new BufferedInputStream(c.getInputStream(), 64 * 1024);
            parts = new MjpegParts(in, type);
        } catch (IOException e) {
            c.disconnect();
            throw new CameraException("camera '" + cameraId + "': cannot read " + describe() + " (" + SecretMasker.mask(e.getMessage()) + ")");
        }
        connection = c;
    }

    @Override
    public Mat grab() throws CameraException {
        if (in == null) throw new CameraException("camera '" + cameraId + "': " + describe() + " is not open");
        try {
            while (true) {
                byte[] jpeg = parts.next();
                if (jpeg == null) return null;
                Mat image = decode(jpeg);
                if (image != null) return image;
                if (++corrupt % 100 == 1) LOG.warn("camera '{}': skipped a part that is not a JPEG ({} so far)", cameraId, corrupt);
            }
        } catch (IOException e) {
            if (connection == null) return null; // aborted
            throw new CameraException("camera '" + cameraId + "': read error on " + describe() + ": "
                    + SecretMasker.mask(String.valueOf(e.getMessage())), e);
        }
    }

    private static Mat decode(byte[] jpeg) {
        try (BytePointer p = new BytePointer(jpeg); Mat raw = new Mat(1, jpeg.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, p)) {
            Mat image = imdecode(raw, IMREAD_COLOR);
            if (image == null || image.empty()) {
                if (image != null) image.close();
                return null;
            }
            return image;
        }
    }

    @Override
    public double frameRate() {
        return 0;
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public void abort() {
        HttpURLConnection c = connection;
        connection = null;
        if (c != null) c.disconnect();
    }

    @Override
    public String describe() {
        return "MJPEG stream " + SecretMasker.mask(url);
    }

    @Override
    public void close() {
        abort();
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already broken
            }
            in = null;
        }
    }
}
