package io.edgesight.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.edgesight.camera.CameraConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesRotationTest {

    /** What the publish route does: rotate, then append the line to the named file. */
    static void write(CamelContext ctx, JsonLinesRotation r, Path dir, String camera, String line) throws Exception {
        Exchange e = new DefaultExchange(ctx);
        e.getMessage().setHeader(CameraConstants.CAMERA_ID, camera);
        e.getMessage().setBody(line);
        r.rotate(e);
        Files.writeString(dir.resolve(e.getMessage().getHeader(Exchange.FILE_NAME, String.class)), line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    static List<Path> rotated(Path dir, String camera) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(camera + "-\\d{8}T\\d{6}\\.\\d{3}Z\\.jsonl")).sorted().toList();
        }
    }

    @Test
    void bySizeKeepingTheNewestFiles(@TempDir Path dir) throws Exception {
        try (CamelContext ctx = new DefaultCamelContext()) {
            JsonLinesRotation r = new JsonLinesRotation(dir, 100, 0, 2);
            String line = "x".repeat(39) + "\n"; // 40 bytes: two lines fit in 100, the third would not
            for (int i = 0; i < 7; i++) {
                write(ctx, r, dir, "cam", line);
                Thread.sleep(2); // distinct rotation time stamps
            }
            // 7 lines -> files of 2, 2, 2 and the current one of 1; only the newest 2 rotated files stay
            assertThat(Files.readAllLines(dir.resolve("cam.jsonl"))).hasSize(1);
            List<Path> old = rotated(dir, "cam");
            assertThat(old).hasSize(2);
            for (Path p : old) assertThat(Files.size(p)).isEqualTo(80);
            // another camera is independent
            write(ctx, r, dir, "other", line);
            assertThat(rotated(dir, "other")).isEmpty();
        }
    }

    @Test
    void byAge(@TempDir Path dir) throws Exception {
        try (CamelContext ctx = new DefaultCamelContext()) {
            JsonLinesRotation r = new JsonLinesRotation(dir, 0, 1, 10);
            write(ctx, r, dir, "cam", "a\n");
            write(ctx, r, dir, "cam", "b\n");
            assertThat(rotated(dir, "cam")).isEmpty();
            Thread.sleep(1100);
            write(ctx, r, dir, "cam", "c\n");
            List<Path> old = rotated(dir, "cam");
            assertThat(old).hasSize(1);
            assertThat(Files.readAllLines(old.get(0))).containsExactly("a", "b");
            assertThat(Files.readAllLines(dir.resolve("cam.jsonl"))).containsExactly("c");
        }
    }
}
