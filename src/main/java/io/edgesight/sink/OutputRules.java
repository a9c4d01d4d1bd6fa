package io.edgesight.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.edgesight.config.Settings;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of the optional sinks in routes/outputs.yaml, bound as {@value #BEAN}: which predictions go to the
 * webhook and to snapshot files, when a camera's MQTT snapshot is due, which per-label counts changed. Each
 * method is a Camel filter or bean step on a {@link Prediction} body.
 */
public class OutputRules {
    private static final Logger LOG = LoggerFactory.getLogger(OutputRules.class);
    public static final String BEAN = "rules";

    private final String webhookUrl;
    private final String webhookAuthorization;
    private final PredictionFilter webhookFilter;
    private final String snapshotsDir;
    private final PredictionFilter snapshotFilter;
    private final long snapshotIntervalMillis;
    private final long mqttSnapshotIntervalMillis;
    private final boolean labelCounts;
    private final Map<String, Long> lastSnapshot = new ConcurrentHashMap<>();
    private final Map<String, Long> lastMqttSnapshot = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Integer>> counts = new ConcurrentHashMap<>();
    private final java.nio.file.Path deadLetter;
    private final Object deadLetterLogLock = new Object();
    private long deadLettersSinceLog;
    private long lastDeadLetterLogNanos;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    public OutputRules(Settings s) {
        String url = s.string("edgesight.webhook.url", null);
        // Apache HttpClient 5 refuses user:password@ in a request URI: it becomes a Basic Authorization header
        String[] split = splitUserInfo(url);
        this.webhookUrl = split[0];
        this.webhookAuthorization = split[1];
        this.webhookFilter = PredictionFilter.of(s.string("edgesight.webhook.labels", null), s.decimal("edgesight.webhook.min-score"));
        this.snapshotsDir = s.string("edgesight.snapshots.dir", null);
        this.snapshotFilter = PredictionFilter.of(s.string("edgesight.snapshots.labels", null), s.decimal("edgesight.snapshots.min-score"));
        this.snapshotIntervalMillis = s.integer("edgesight.snapshots.min-interval-ms");
        this.mqttSnapshotIntervalMillis = 1000L * s.integer("edgesight.mqtt.snapshot-interval-seconds");
        this.labelCounts = s.bool("edgesight.mqtt.label-counts");
        this.deadLetter = java.nio.file.Path.of(s.string("edgesight.webhook.dead-letter"));
    }

    /** The webhook URL without its user:password@ (see {@link #webhookAuthorization}). */
    public String webhookUrl() { return webhookUrl; }

    /** Route step before the POST: the URL's credentials as HTTP Basic authentication, when it has any. */
    public void webhookAuthorization(Exchange exchange) {
        if (webhookAuthorization != null) exchange.getMessage().setHeader("Authorization", webhookAuthorization);
    }

    static String[] splitUserInfo(String url) {
        if (url == null) return new String[] {null, null};
        try {
            java.net.URI u = new java.net.URI(url);
            if (u.getRawUserInfo() == null) return new String[] {url, null};
            String plain = java.net.URLDecoder.decode(u.getRawUserInfo(), java.nio.charset.StandardCharsets.UTF_8);
            java.net.URI bare = new java.net.URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), u.getFragment());
            return new String[] {bare.toString(), "Basic " + java.util.Base64.getEncoder().encodeToString(
                    plain.getBytes(java.nio.charset.StandardCharsets.UTF_8))};
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return new String[] {url, null}; // start-up validation has already named a URL that does not parse
        }
    }

    public String deadLetterDir() {
        java.nio.file.Path parent = deadLetter.toAbsolutePath().getParent();
        return parent == null ? "." : parent.toString();
    }

    public String deadLetterFileName() { return deadLetter.getFileName().toString(); }

    /** Webhook filter: a URL is configured and the prediction matches its filter. */
    public boolean webhook(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        return webhookUrl != null && p != null && webhookFilter.matches(p);
    }

    /** Snapshot files filter: a directory is configured, the prediction matches, and the camera's last one is old enough. */
    public boolean snapshot(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        if (snapshotsDir == null || p == null || !snapshotFilter.matches(p)) return false;
        return due(lastSnapshot, p.camera(), snapshotIntervalMillis);
    }

    /** MQTT snapshot filter: enabled and the camera's interval has passed. */
    public boolean mqttSnapshot(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        return mqttSnapshotIntervalMillis > 0 && p != null && due(lastMqttSnapshot, p.camera(), mqttSnapshotIntervalMillis);
    }

    private static boolean due(Map<String, Long> last, String camera, long interval) {
        long now = System.currentTimeMillis();
        Long prev = last.get(camera);
        if (prev != null && now - prev < interval) return false;
        last.put(camera, now);
        return true;
    }

    /**
     * MQTT label counts: the labels whose count in this camera's frame changed since its previous frame, as
     * {@code {label, count}} entries (a label that disappears gets 0). Empty when disabled or nothing changed.
     */
    public List<Map<String, Object>> labelCountChanges(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        if (!labelCounts || p == null) return List.of();
        Map<String, Integer> now = new LinkedHashMap<>();
        for (PredictionItem it : p.predictions()) now.merge(it.label(), 1, Integer::sum);
        Map<String, Integer> before = counts.put(p.camera(), now);
        List<Map<String, Object>> changes = new ArrayList<>();
        now.forEach((label, n) -> {
            if (before == null || !n.equals(before.get(label))) changes.add(Map.of("label", label, "topicLabel", topicLevel(label), "count", n));
        });
        if (before != null) {
            before.forEach((label, n) -> {
                if (!now.containsKey(label) && n != 0) changes.add(Map.of("label", label, "topicLabel", topicLevel(label), "count", 0));
            });
        }
        return changes;
    }

    /** A label as one MQTT topic level: no '/', '+', '#' (replaced by '_'). */
    static String topicLevel(String label) {
        return label.replaceAll("[/+#\\u0000]", "_");
    }

    public boolean labelCountsEnabled() { return labelCounts; }

    public String snapshotsDir() { return snapshotsDir; }

    /** File name of a snapshot: {@code <camera>/<camera>-<time>-<seq>.jpg}. */
    public String snapshotFileName(Exchange exchange) {
        String camera = exchange.getMessage().getHeader(io.edgesight.camera.CameraConstants.CAMERA_ID, String.class);
        Long seq = exchange.getMessage().getHeader(io.edgesight.camera.CameraConstants.FRAME_SEQ, Long.class);
        String t = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
        return camera + "/" + camera + "-" + t + "-" + seq + ".jpg";
    }

    /**
     * Dead-letter step of the webhook route: the body (the prediction JSON) becomes one line
     * {@code {"time", "url", "error", "payload"}}. Give-ups are logged at most once per 10 s, with their count.
     */
    public String deadLetterLine(Exchange exchange) throws java.io.IOException {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // the URL and the error (which quotes it) may carry credentials: masked like camera URLs
        String error = t == null ? "unknown error" : io.edgesight.config.SecretMasker.mask(t.getClass().getSimpleName() + ": " + t.getMessage());
        String body = exchange.getMessage().getBody(String.class);
        com.fasterxml.jackson.databind.node.ObjectNode line = JSON.createObjectNode();
        line.put("time", java.time.Instant.now().toString());
        line.put("url", io.edgesight.config.SecretMasker.mask(webhookUrl));
        line.put("error", error);
        try {
            line.set("payload", JSON.readTree(body));
        } catch (java.io.IOException e) {
            line.put("payload", body);
        }
        long n = 0;
        synchronized (deadLetterLogLock) {
            deadLettersSinceLog++;
            long now = System.nanoTime();
            if (lastDeadLetterLogNanos == 0 || now - lastDeadLetterLogNanos > 10_000_000_000L) {
                n = deadLettersSinceLog;
                deadLettersSinceLog = 0;
                lastDeadLetterLogNanos = now;
            }
        }
        if (n > 0) {
            LOG.warn("webhook {}: gave up on {} prediction(s) after retries (last error: {}); they are in {}",
                    io.edgesight.config.SecretMasker.mask(webhookUrl), n, error,
                    deadLetter.toAbsolutePath());
        }
        return JSON.writeValueAsString(line) + "\n";
    }
}
