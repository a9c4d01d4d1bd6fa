package io.edgesight.zones;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Line crossing counters, camera -> line -> {in, out}, kept in {@code <output dir>/line-counts.json} (written
 * atomically at every crossing, read at start) so that they survive a restart.
 */
public final class LineCounts {
    private static final Logger LOG = LoggerFactory.getLogger(LineCounts.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE = "line-counts.json";

    private final Path file;
    private final Map<String, Map<String, long[]>> counts = new TreeMap<>();
    private long lastWriteFailure;

    public LineCounts(Path dir) {
        this.file = dir == null ? null : dir.resolve(FILE);
        if (file != null && Files.isRegularFile(file)) {
            try {
                Map<String, Map<String, Map<String, Long>>> read = JSON.readValue(file.toFile(), new TypeReference<>() {});
                read.forEach((c, lines) -> lines.forEach((l, v) -> counts.computeIfAbsent(c, k -> new TreeMap<>())
                        .put(l, new long[] {v.getOrDefault("in", 0L), v.getOrDefault("out", 0L)})));
            } catch (IOException e) {
                LOG.warn("line counts in {} unreadable ({}); counting from 0", file, e.getMessage());
            }
        }
    }

    /** {in, out} of a line. */
    public synchronized long[] get(String camera, String line) {
        long[] c = counts.getOrDefault(camera, Map.of()).get(line);
        return c == null ? new long[2] : c.clone();
    }

    synchronized void add(String camera, String line, String direction) {
        long[] c = counts.computeIfAbsent(camera, k -> new TreeMap<>()).computeIfAbsent(line, k -> new long[2]);
        c[direction.equals("in") ? 0 : 1]++;
        write();
    }

    /** camera -> line -> {"in": n, "out": n}. */
    public synchronized Map<String, Map<String, Map<String, Long>>> all() {
        Map<String, Map<String, Map<String, Long>>> out = new TreeMap<>();
        counts.forEach((c, lines) -> lines.forEach((l, v) -> out.computeIfAbsent(c, k -> new TreeMap<>())
                .put(l, Map.of("in", v[0], "out", v[1]))));
        return out;
    }

    private void write() {
        if (file == null) return;
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + FILE + ".tmp");
            JSON.writeValue(tmp.toFile(), all());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            long now = System.currentTimeMillis();
            if (now - lastWriteFailure > 10_000) LOG.warn("line counts not saved to {}: {}", file, e.getMessage());
            lastWriteFailure = now;
        }
    }
}
