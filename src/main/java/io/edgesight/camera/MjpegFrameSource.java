package io.edgesight.camera;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=\"?([^\";]+)\"?");
    private static final int MAX_PART = 32 * 1024 * 1024;

    private final String cameraId;
    private final String url;
    private final int openTimeoutMs;
    private final int readTimeoutMs;
    private volatile HttpURLConnection connection;
    private InputStream in;
    private byte[] delimiter;
    private boolean atPartHeaders;
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
        Matcher m = BOUNDARY.matcher(type);
        String boundary = m.find() ? m.group(1).trim() : null;
        if (boundary != null) {
            delimiter = ((boundary.startsWith("--") ? "" : "--") + boundary).getBytes(StandardCharsets.ISO_8859_1);
        } else {
            delimiter = null; // some cameras send no boundary: fall back to Content-Length / JPEG markers
        }
        try {
            in = new BufferedInputStream(c.getInputStream(), 64 * 1024);
        } catch (IOException e) {
            c.disconnect();
            throw new CameraException("camera '" + cameraId + "': cannot read " + describe() + " (" + SecretMasker.mask(e.getMessage()) + ")");
        }
        connection = c;
        atPartHeaders = false;
    }

    @Override
    public Mat grab() throws CameraException {
        if (in == null) throw new CameraException("camera '" + cameraId + "': " + describe() + " is not open");
        try {
            while (true) {
                byte[] jpeg = nextPart();
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

    /** The body of the next part, or null at the end of the stream. */
    private byte[] nextPart() throws IOException {
        int length = -1;
        if (!atPartHeaders) {
            // skip to the boundary line (or, without a boundary, to the next header block / JPEG start)
            String line;
            while (true) {
                line = readLine();
                if (line == null) return null;
                if (delimiter == null && (line.regionMatches(true, 0, "Content-", 0, 8))) {
                    length = contentLength(line, length);
                    break;
                }
                if (delimiter != null && line.startsWith(new String(delimiter, StandardCharsets.ISO_8859_1))) {
                    if (line.endsWith("--")) return null; // closing boundary
                    break;
                }
            }
        }
        atPartHeaders = false;
        String header;
        while ((header = readLine()) != null && !header.isEmpty()) {
            length = contentLength(header, length);
        }
        if (header == null) return null;
        if (length >= 0) {
            if (length > MAX_PART) throw new IOException("part of " + length + " bytes is too large");
            byte[] body = in.readNBytes(length);
            return body.length < length ? null : body;
        }
        return delimiter != null ? readUntilDelimiter() : readJpeg();
    }

    private static int contentLength(String header, int current) {
        int colon = header.indexOf(':');
        if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
            try {
                return Integer.parseInt(header.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                return current;
            }
        }
        return current;
    }

    /** Reads up to "\r\n--boundary"; the delimiter line is consumed so the next part starts at its headers. */
    private byte[] readUntilDelimiter() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        byte[] d = delimiter;
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            out.write(b);
            if (b == d[matched]) {
                matched++;
                if (matched == d.length) {
                    byte[] all = out.toByteArray();
                    int end = all.length - d.length;
                    if (end >= 2 && all[end - 2] == '\r' && all[end - 1] == '\n') end -= 2;
                    else if (end >= 1 && all[end - 1] == '\n') end -= 1;
                    String rest = readLine(); // rest of the delimiter line: "" or "--" at the end
                    atPartHeaders = rest != null && !rest.startsWith("--");
                    byte[] body = new byte[Math.max(0, end)];
                    System.arraycopy(all, 0, body, 0, body.length);
                    return body;
                }
            } else {
                matched = b == d[0] ? 1 : 0;
            }
            if (out.size() > MAX_PART) throw new IOException("no boundary within " + MAX_PART + " bytes");
        }
        return null;
    }

    /** Without a boundary or Content-Length: from the JPEG start marker (FFD8) to its end marker (FFD9). */
    private byte[] readJpeg() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        int prev = -1;
        int b;
        boolean started = false;
        while ((b = in.read()) >= 0) {
            if (!started) {
                if (prev == 0xFF && b == 0xD8) {
                    started = true;
                    out.write(0xFF);
                    out.write(0xD8);
                }
            } else {
                out.write(b);
                if (prev == 0xFF && b == 0xD9) return out.toByteArray();
                if (out.size() > MAX_PART) throw new IOException("JPEG larger than " + MAX_PART + " bytes");
            }
            prev = b;
        }
        return null;
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
                return sb.toString();
            }
            sb.append((char) b);
            if (sb.length() > 8192) throw new IOException("header line longer than 8192 bytes");
        }
        return sb.length() == 0 ? null : sb.toString();
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
