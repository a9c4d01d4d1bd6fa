package io.edgesight.camera;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a {@code multipart/x-mixed-replace} body, as IP cameras and ESP32-CAMs send it: each part's bytes,
 * found by its Content-Length, else by the next boundary, else (cameras that send no boundary) by the JPEG start
 * and end markers. Whatever the camera sends, {@link #next()} returns a part, null at the end, or an IOException
 * with a readable reason; it never reads more than {@value #MAX_PART} bytes for one part.
 */
public final class MjpegParts {
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=\"?([^\";]+)\"?");
    static final int MAX_PART = 32 * 1024 * 1024;
    private static final int MAX_LINE = 8192;

    private final InputStream in;
    private final byte[] delimiter;
    /** KMP failure function of the delimiter: a boundary split by a near-match ("---b" for "--b") is still found. */
    private final int[] fallback;
    private boolean atPartHeaders;

    /** {@code in} should be buffered: it is read byte by byte. */
    public MjpegParts(InputStream in, String contentType) {
        this.in = in;
        Matcher m = BOUNDARY.matcher(contentType == null ? "" : contentType);
        String boundary = m.find() ? m.group(1).trim() : "";
        // some cameras send no boundary: fall back to Content-Length / JPEG markers
        delimiter = boundary.isEmpty() ? null
                : ((boundary.startsWith("--") ? "" : "--") + boundary).getBytes(StandardCharsets.ISO_8859_1);
        fallback = delimiter == null ? null : failure(delimiter);
    }

    /** The boundary line the parts are separated by ({@code --boundary}), or null when the stream has none. */
    public String delimiter() {
        return delimiter == null ? null : new String(delimiter, StandardCharsets.ISO_8859_1);
    }

    /** The body of the next part, or null at the end of the stream. */
    public byte[] next() throws IOException {
        int length = -1;
        if (!atPartHeaders) {
            // skip to the boundary line (or, without a boundary, to the next header block / JPEG start)
            String line;
            String d = delimiter();
            while (true) {
                line = readLine();
                if (line == null) return null;
                if (d == null && line.regionMatches(true, 0, "Content-", 0, 8)) {
                    length = contentLength(line, length);
                    break;
                }
                if (d != null && line.startsWith(d)) {
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
                int n = Integer.parseInt(header.substring(colon + 1).trim());
                return n >= 0 ? n : current;
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
            while (matched > 0 && b != (d[matched] & 0xff)) matched = fallback[matched - 1];
            if (b == (d[matched] & 0xff)) matched++;
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
            if (out.size() > MAX_PART) throw new IOException("no boundary within " + MAX_PART + " bytes");
        }
        // the camera closed the stream after the last part without a closing boundary: that part is complete
        byte[] all = out.toByteArray();
        int end = all.length;
        if (end >= 2 && all[end - 2] == '\r' && all[end - 1] == '\n') end -= 2;
        else if (end >= 1 && all[end - 1] == '\n') end -= 1;
        return end == 0 ? null : java.util.Arrays.copyOf(all, end);
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
            if (sb.length() > MAX_LINE) throw new IOException("header line longer than " + MAX_LINE + " bytes");
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static int[] failure(byte[] d) {
        int[] f = new int[d.length];
        for (int i = 1, k = 0; i < d.length; i++) {
            while (k > 0 && d[i] != d[k]) k = f[k - 1];
            if (d[i] == d[k]) k++;
            f[i] = k;
        }
        return f;
    }
}
