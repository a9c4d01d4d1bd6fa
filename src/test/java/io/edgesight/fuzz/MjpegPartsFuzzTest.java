package io.edgesight.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.edgesight.camera.MjpegParts;
import org.junit.jupiter.api.Test;

/**
 * MJPEG multipart bodies as cameras send them (random boundaries, with and without Content-Length, with preamble
 * and garbage between parts, boundaries without CRLF, no boundary at all) give back exactly the JPEGs sent; cut and
 * corrupted ones give parts, the end, or an IOException with a reason, and every call reads at least one byte or
 * ends the stream (no loop without progress).
 */
class MjpegPartsFuzzTest {

    record Stream(String contentType, byte[] body, List<byte[]> jpegs) {}

    @Test
    void wellFormedStreamsGiveBackEveryJpeg() {
        int n = Fuzz.tries("mjpeg well-formed", 1500, (r, i) -> {
            Stream s = stream(r, r.nextInt(4) != 0);
            List<byte[]> got = readAll(new MjpegParts(new ByteArrayInputStream(s.body()), s.contentType()), s);
            assertThat(got).as("parts of %s", Fuzz.show(s.body())).hasSize(s.jpegs().size());
            for (int k = 0; k < got.size(); k++) assertThat(got.get(k)).as("part %d of %s", k, Fuzz.show(s.body())).isEqualTo(s.jpegs().get(k));
        });
        System.out.printf("mjpeg fuzz: %d well-formed streams, every JPEG back%n", n);
    }

    @Test
    void cutAndCorruptedStreamsEndOrFailWithAReason() {
        int[] failed = new int[1];
        int n = Fuzz.tries("mjpeg corrupted", 1500, (r, i) -> {
            Stream s = stream(r, r.nextBoolean());
            byte[] body = Fuzz.mutate(r, s.body(), 6);
            String type = r.nextInt(8) == 0 ? Fuzz.mutate(r, s.contentType(), 2) : s.contentType();
            CountingStream in = new CountingStream(new ByteArrayInputStream(body));
            MjpegParts parts = new MjpegParts(in, type);
            try {
                while (true) {
                    long before = in.count;
                    byte[] part = parts.next();
                    if (part == null) break;
                    assertThat(in.count).as("progress on %s", Fuzz.show(body)).isGreaterThan(before);
                }
            } catch (IOException e) {
                failed[0]++;
                assertThat(e.getMessage()).isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError("type " + type + ", body " + Fuzz.show(body) + " crashed the parser with " + e, e);
            }
        });
        System.out.printf("mjpeg fuzz: %d corrupted streams, %d ended with an IOException, the rest with null%n", n, failed[0]);
    }

    static List<byte[]> readAll(MjpegParts parts, Stream s) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p = parts.next(); p != null; p = parts.next()) out.add(p);
        return out;
    }

    /** A camera's multipart body: 0-4 random "JPEGs" (FFD8 ... FFD9, any bytes between). */
    static Stream stream(SplittableRandom r, boolean withBoundary) {
        String boundary = withBoundary ? randomBoundary(r) : null;
        String type = "multipart/x-mixed-replace" + (boundary == null ? "" : r.nextBoolean() ? ";boundary=" + boundary
                : "; boundary=\"" + boundary + "\"");
        String delimiter = boundary == null ? null : boundary.startsWith("--") ? boundary : "--" + boundary;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (r.nextInt(3) == 0) out.writeBytes(("preamble " + Fuzz.randomText(r, 4).replace("\n", "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        List<byte[]> jpegs = new ArrayList<>();
        int count = r.nextInt(5);
        boolean lengths = boundary == null || r.nextBoolean();
        for (int k = 0; k < count; k++) {
            byte[] jpeg = jpeg(r, delimiter);
            jpegs.add(jpeg);
            if (delimiter != null) out.writeBytes((delimiter + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes("Content-Type: image/jpeg\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (lengths) out.writeBytes(("Content-Length: " + jpeg.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(jpeg);
            out.writeBytes((r.nextBoolean() ? "\r\n" : "\n").getBytes(StandardCharsets.ISO_8859_1));
            if (lengths && r.nextInt(4) == 0) out.writeBytes("garbage between parts\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        if (delimiter != null && r.nextBoolean()) out.writeBytes((delimiter + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return new Stream(type, out.toByteArray(), jpegs);
    }

    static String randomBoundary(SplittableRandom r) {
        String chars = "-abAB01_=.";
        StringBuilder sb = new StringBuilder();
        int len = 1 + r.nextInt(24);
        for (int i = 0; i < len; i++) sb.append(chars.charAt(r.nextInt(chars.length())));
        String b = sb.toString();
        return b.replaceAll("-+$", "x"); // a boundary ending in -- reads as the closing one
    }

    /** FFD8, random bytes that contain neither the delimiter nor (for marker-only streams) FFD9, then FFD9. */
    static byte[] jpeg(SplittableRandom r, String delimiter) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        int len = r.nextInt(200);
        // near-misses of the delimiter inside the image ("\r\n" + a prefix of it) test the boundary search
        String nearMiss = delimiter == null ? "" : "\r\n" + delimiter.substring(0, r.nextInt(delimiter.length()));
        for (int i = 0; i < len; i++) {
            if (delimiter != null && r.nextInt(40) == 0) out.writeBytes(nearMiss.getBytes(StandardCharsets.ISO_8859_1));
            int b = r.nextInt(256);
            out.write(b == 0xFF ? 0xFE : b);
        }
        out.write(0xFF);
        out.write(0xD9);
        byte[] jpeg = out.toByteArray();
        // a near-miss plus the next random byte can spell the whole delimiter: that image no camera could send
        return delimiter != null && new String(jpeg, StandardCharsets.ISO_8859_1).contains(delimiter) ? jpeg(r, delimiter) : jpeg;
    }

    static final class CountingStream extends InputStream {
        private final InputStream in;
        long count;

        CountingStream(InputStream in) { this.in = in; }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }
    }
}
