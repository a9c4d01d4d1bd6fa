package io.edgesight.sink;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.edgesight.camera.CameraConstants;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotation of the JSON lines files, as a route step before {@code to: file:...?fileExist=Append}: names the file
 * ({@code <camera>.jsonl}, header CamelFileName) and, when appending this line would take it over
 * {@code maxBytes} or the file is older than {@code maxAgeSeconds}, first renames it to
 * {@code <camera>-<UTC time>.jsonl}; only the newest {@code keep} rotated files of a camera are kept.
 */
public class JsonLinesRotation {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesRotation.class);
    public static final String BEAN = "jsonl";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final long maxBytes;
    private final long maxAgeMillis;
    private final int keep;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    private static final class State {
        long bytes;
        long openedMillis;
    }

    private final java.util.concurrent.atomic.AtomicLong writeErrors = new java.util.concurrent.atomic.AtomicLong();
    private long errorsSinceLog;
    private long lastErrorLogNanos;
    private boolean errorLogged;

    /**
     * Route step of the publish route's doCatch: a line that could not be written (disk full, permissions) is
     * counted (stats files.writeErrors, edgesight_files_write_errors_total) and logged at once, then at most once per
     * 10 s with the count since; the frame still counts as published, since MQTT and the other outputs had it.
     */
    public void writeFailed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        long total = writeErrors.incrementAndGet();
        long n;
        synchronized (this) {
            errorsSinceLog++;
            long now = System.nanoTime();
            if (errorLogged && now - lastErrorLogNanos < 10_000_000_000L) return;
            errorLogged = true;
            lastErrorLogNanos = now;
            n = errorsSinceLog;
            errorsSinceLog = 0;
        }
        String file = dir.resolve(String.valueOf(exchange.getMessage().getHeader(Exchange.FILE_NAME))).toString();
        LOG.warn("cannot write {}: {}; {} line(s) not written (total {}); MQTT and the other outputs go on", file,
                rootMessage(t), n, total);
    }

    public long writeErrors() { return writeErrors.get(); }

    private static String rootMessage(Throwable t) {
        if (t == null) return "unknown error";
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    public JsonLinesRotation(Path dir, long maxBytes, long maxAgeSeconds, int keep) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxAgeMillis = maxAgeSeconds * 1000;
        this.keep = keep;
    }

    /** Route step; body = the line to append (String). */
    public void rotate(Exchange exchange) throws IOException {
        String camera = exchange.getMessage().getHeader(CameraConstants.CAMERA_ID, String.class);
        String name = camera + ".jsonl";
        exchange.getMessage().setHeader(Exchange.FILE_NAME, name);
        String line = exchange.getMessage().getBody(String.class);
        long add = line == null ? 0 : line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        Path file = dir.resolve(name);
        long now = System.currentTimeMillis();
        State s = states.computeIfAbsent(camera, c -> {
            State st = new State();
            try {
                st.bytes = Files.exists(file) ? Files.size(file) : 0;
            } catch (IOException e) {
                st.bytes = 0;
            }
            st.openedMillis = now; // an existing file counts from this start
            return st;
        });
        synchronized (s) {
            boolean tooBig = maxBytes > 0 && s.bytes > 0 && s.bytes + add > maxBytes;
            boolean tooOld = maxAgeMillis > 0 && s.bytes > 0 && now - s.openedMillis >= maxAgeMillis;
            if ((tooBig || tooOld) && Files.exists(file)) {
                Path rotated = dir.resolve(camera + "-" + STAMP.format(Instant.ofEpochMilli(now)) + ".jsonl");
                Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
                LOG.debug("rotated {} to {} ({})", file, rotated.getFileName(), tooBig ? "size" : "age");
                s.bytes = 0;
                s.openedMillis = now;
                prune(camera);
            } else if (s.bytes == 0) {
                s.openedMillis = now;
            }
            s.bytes += add;
        }
    }

    /** Deletes all but the newest {@code keep} rotated files of a camera. */
    private void prune(String camera) throws IOException {
        if (keep <= 0) return;
        List<Path> rotated = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, camera + "-*.jsonl")) {
            for (Path p : ds) {
                String rest = p.getFileName().toString().substring(camera.length() + 1);
                if (rest.matches("\\d{8}T\\d{6}\\.\\d{3}Z\\.jsonl")) rotated.add(p);
            }
        }
        rotated.sort(null); // the time stamp sorts by name
        for (int i = 0; i < rotated.size() - keep; i++) Files.deleteIfExists(rotated.get(i));
    }
}
