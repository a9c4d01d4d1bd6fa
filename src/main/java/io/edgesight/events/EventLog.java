package io.edgesight.events;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event as one JSON line in {@code <dir>/events.jsonl}, the snapshots as {@code <dir>/events/<id>.jpg}, and the
 * latest state of the last {@code keep} objects for {@code GET /api/events}, read back from the file at start so the
 * list survives a restart. The file is rewritten with only those objects' events when it grows past
 * {@code 10 x keep} lines more.
 */
public final class EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE = "events.jsonl";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    private final Path dir;
    private final int keep;
    private final LinkedHashMap<String, TrackedObject> recent = new LinkedHashMap<>();
    private long lines;
    private long lastFailure;

    public EventLog(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
        Path f = dir.resolve(FILE);
        if (Files.isRegularFile(f)) {
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    lines++;
                    try {
                        remember(JSON.readValue(line, Event.class).after());
                    } catch (IOException e) {
                        // a line cut off by a crash: the ones before it count
                    }
                }
            } catch (IOException e) {
                LOG.warn("events in {} unreadable ({}); the recent events list starts empty", f, e.getMessage());
            }
        }
    }

    /** Appends an event; its object becomes the most recent. */
    public synchronized void append(Event e, String json) {
        remember(e.after());
        try {
            Files.createDirectories(dir);
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                w.write(json);
                w.write('\n');
            }
            if (++lines > 10L * keep + keep) compact();
        } catch (IOException ex) {
            failed("events not written to " + dir.resolve(FILE) + ": " + ex.getMessage());
        }
    }

    public synchronized void snapshot(String id, byte[] jpeg) {
        if (jpeg == null || !ID.matcher(id).matches()) return;
        try {
            Path d = Files.createDirectories(dir.resolve("events"));
            Path tmp = d.resolve("." + id + ".jpg.tmp");
            Files.write(tmp, jpeg);
            Files.move(tmp, d.resolve(id + ".jpg"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            failed("event snapshot not written to " + dir.resolve("events") + ": " + ex.getMessage());
        }
    }

    /** The snapshot of an event, or null. */
    public byte[] snapshot(String id) {
        if (id == null || !ID.matcher(id).matches()) return null;
        Path f = dir.resolve("events").resolve(id + ".jpg");
        try {
            return Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The latest state of the most recent objects, newest first. */
    public synchronized List<TrackedObject> recent() {
        List<TrackedObject> out = new ArrayList<>(recent.values());
        java.util.Collections.reverse(out);
        return out;
    }

    private void remember(TrackedObject o) {
        if (o == null) return;
        recent.remove(o.id());
        recent.put(o.id(), o);
        while (recent.size() > keep) {
            String oldest = recent.keySet().iterator().next();
            recent.remove(oldest);
            try {
                Files.deleteIfExists(dir.resolve("events").resolve(oldest + ".jpg"));
            } catch (IOException | RuntimeException e) {
                // a snapshot that stays behind costs disk only
            }
        }
    }

    /** Keeps the events of the objects still listed. */
    private void compact() throws IOException {
        Path f = dir.resolve(FILE);
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            try {
                if (recent.containsKey(JSON.readValue(line, Event.class).after().id())) kept.add(line);
            } catch (IOException e) {
                // dropped
            }
        }
        Path tmp = dir.resolve("." + FILE + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        lines = kept.size();
    }

    private void failed(String message) {
        long now = System.currentTimeMillis();
        if (now - lastFailure > 10_000) LOG.warn(message);
        lastFailure = now;
    }

    Map<String, TrackedObject> byId() { return recent; }
}
