package io.edgesight.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * Every documented configuration key with the type and range of its value: the one table that start-up
 * validation ({@link ConfigValidator}), model descriptors and the documentation check (every key here is in
 * config/application.properties and the other way round) all read. {@code {id}} stands for a model or camera id.
 * To add a key: one line here, and its documentation in config/application.properties.
 */
public final class ConfigKeys {

    /** Checks one value; returns the problem as a sentence starting with the key, or null when the value is fine. */
    @FunctionalInterface
    public interface Check {
        String problem(String key, String value);
    }

    /**
     * A key, the kind of value it takes (for messages and docs), its check and its default (null: unset, or a
     * default that depends on other keys, computed where it is read). Values of {@code secret} keys are never
     * repeated in an error message.
     */
    public record Key(String name, String type, Check check, boolean secret, String def) {
        public Key(String name, String type, Check check, boolean secret) {
            this(name, type, check, secret, null);
        }

        /** The same key with this default. */
        public Key or(Object def) {
            return new Key(name, type, check, secret, String.valueOf(def));
        }
    }

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();
    private static final Map<String, Key> CONTRIBUTED = new LinkedHashMap<>();

    static {
        String m = "edgesight.models.{id}.";
        add(path(m + "path"));
        add(path(m + "labels"));
        add(integer(m + "batch-size", 1, 1024).or(1));
        add(choice(m + "resize", "resize mode", "stretch", "letterbox", "center-crop").or("stretch"));
        add(choice(m + "channel-order", "channel order", "RGB", "BGR").or("RGB"));
        add(choice(m + "normalize", "normalization", "raw", "unit", "symmetric", "caffe", "custom").or("unit"));
        add(decimals(m + "mean"));
        add(decimals(m + "std"));
        add(text(m + "output"));
        add(exactChoice(m + "output-kind", "output kind", "auto", "logits", "probabilities").or("auto"));
        add(integer(m + "top-k", 1, 1000).or(3));
        add(decimal(m + "min-score", 0, 1));
        add(integer(m + "threads", 1, 256));
        add(choice(m + "precision", "precision", "FP32", "FP16", "INT8").or("FP32"));
        add(choice(m + "runtime", "runtime", "auto", "tensorflow", "onnxruntime", "tensorrt").or("auto"));
        add(choice(m + "decoder", "decoder", "classification", "detection", "raw").or("classification"));
        // detection models (io.edgesight.predict.DetectionDecoder.Config)
        add(choice(m + "box-format", "box format", "auto", "xyxy-score-class", "yolov5", "yolov8", "yolov7-end2end",
                "yolo-nas-flat", "num-boxes-scores-classes", "od-api", "nanodet", "blazeface").or("auto"));
        add(choice(m + "box-coordinates", "box coordinates", "pixels", "normalized"));
        add(text(m + "classes"));
        add(decimal(m + "iou-threshold", 0, 1));
        add(exactChoice(m + "nms", "nms", "class-agnostic", "per-class"));
        add(integer(m + "max-detections", 1, 100_000).or(100));
        add(integer(m + "class-offset", -1000, 1000));
        // cascades (io.edgesight.cascade.CascadeSpec): <model>:<label>[,<label>...]
        add(text(m + "on"));

        String e = "edgesight.engine.";
        add(path(e + "dir").or("engines"));
        add(choice(e + "tensorrt", "TensorRT policy", "auto", "required", "off").or("auto"));
        add(longInteger(e + "trt.max-workspace-bytes", 1, Long.MAX_VALUE).or(1L << 30));
        add(integer(e + "trt.minimum-segment-size", 1, 10_000).or(3));
        add(integer(e + "trt.maximum-cached-engines", 1, 1_000).or(1));
        add(bool(e + "trt.is-dynamic-op").or(true));
        add(bool(e + "trt.allow-build-at-runtime").or(true));
        add(integer(e + "gpu.memory-limit-mb", 0, 1 << 20).or(2048));
        add(bool(e + "gpu.allow-growth").or(true));
        add(integer(e + "inter-op-threads", 1, 256).or(1));
        add(bool(e + "xla").or(false));
        add(choice(e + "onnx.optimization-level", "optimization level", "off", "basic", "extended", "all").or("all"));
        add(bool(e + "onnx.allow-spinning").or(false));
        add(integer(e + "timeout-ms", 0, 3_600_000).or(30_000));
        add(integer("edgesight.shutdown.timeout-s", 1, 3_600).or(20));

        // the camera's model; its endpoint options (url, fps, ...) are contributed keys (KeyProvider, docs/CAMERAS.md)
        add(text("edgesight.cameras.{id}.model"));
        // zones and lines of a camera (io.edgesight.zones.CameraZones checks their geometry and labels; docs/EVENTS.md)
        String zn = "edgesight.cameras.{id}.zones.{zone}.";
        add(new Key(zn + "points", "x,y; x,y; x,y ...", ConfigKeys::points, false));
        add(choice(zn + "coordinates", "coordinates", "pixels", "normalized"));
        add(text(zn + "labels"));
        add(integer(zn + "inertia", 1, 1000));
        add(decimal(zn + "loitering-seconds", 0, 10_000_000));
        String ln = "edgesight.cameras.{id}.lines.{line}.";
        add(new Key(ln + "points", "x,y; x,y", ConfigKeys::points, false));
        add(choice(ln + "coordinates", "coordinates", "pixels", "normalized"));
        add(text(ln + "labels"));
        add(choice(ln + "in", "side", "left", "right"));
        add(bool("edgesight.api.cameras.enabled").or(false));
        add(path("edgesight.api.cameras.dir").or("config/cameras.d"));
        add(integer("edgesight.batch.timeout-ms", 1, 3_600_000).or(200));
        add(path("edgesight.sample.video"));

        // the tracker after predict: (io.edgesight.track.TrackerConfig, docs/EVENTS.md)
        String tk = "edgesight.track.";
        add(bool(tk + "enabled").or(true));
        add(decimal(tk + "high-score", 0, 1).or(0.5));
        add(decimal(tk + "low-score", 0, 1).or(0.1));
        add(decimal(tk + "new-track-score", 0, 1).or(0.6));
        add(decimal(tk + "match-iou", 0, 1).or(0.2));
        add(decimal(tk + "low-match-iou", 0, 1).or(0.5));
        add(integer(tk + "confirm-frames", 1, 1000).or(2));
        add(integer(tk + "lost-frames", 0, 100_000).or(30));
        add(integer(tk + "stationary-frames", 1, 1_000_000).or(50));
        add(decimal(tk + "stationary-iou", 0, 1).or(0.8));

        // events of tracked objects (io.edgesight.events, docs/EVENTS.md)
        add(integer("edgesight.events.keep", 1, 100_000).or(100));
        add(decimal("edgesight.events.score-step", 0, 1).or(0.05));
        add(bool("edgesight.events.snapshots").or(true));
        add(bool("edgesight.homeassistant.enabled").or(false));
        add(new Key("edgesight.homeassistant.prefix", "MQTT topic prefix", ConfigKeys::topicPrefix, false).or("homeassistant"));

        String q = "edgesight.mqtt.";
        add(new Key(q + "broker-url", "tcp|ssl|ws|wss url", ConfigKeys::brokerUrl, false));
        add(new Key(q + "prefix", "MQTT topic prefix", ConfigKeys::topicPrefix, false).or("edgesight"));
        add(integer(q + "qos", 0, 2).or(1));
        add(bool(q + "retain").or(false));
        add(text(q + "client-id"));
        add(text(q + "username"));
        add(secret(q + "password"));
        add(integer(q + "keep-alive-seconds", 0, 65535).or(30));
        add(integer(q + "reconnect-max-delay-ms", 100, 600_000).or(5000));
        add(integer(q + "buffer.size", 1, 10_000_000).or(1000));
        add(integer(q + "buffer.max-bytes", 0, Integer.MAX_VALUE).or(16 << 20));
        add(path(q + "tls.trust-store"));
        add(secret(q + "tls.trust-store-password"));
        add(path(q + "tls.key-store"));
        add(secret(q + "tls.key-store-password"));
        add(bool(q + "tls.hostname-verification").or(true));
        add(bool(q + "label-counts").or(false));
        add(integer(q + "snapshot-interval-seconds", 0, 86_400).or(0));
        add(host(q + "embedded.host").or("127.0.0.1"));
        add(integer(q + "embedded.port", 0, 65535).or(1883));

        add(new Key("edgesight.node.id", "letters, digits, . _ -", NodeAndKafkaChecks::nodeId, false));

        // the Kafka output (io.edgesight.sink.kafka.KafkaOutput checks the keys that depend on each other)
        String kf = "edgesight.kafka.";
        add(bool(kf + "enabled").or(false));
        add(new Key(kf + "brokers", "host:port,...", NodeAndKafkaChecks::brokers, false).or("127.0.0.1:9092"));
        add(new Key(kf + "topic.predictions", "Kafka topic", NodeAndKafkaChecks::topic, false).or("edgesight.predictions"));
        add(new Key(kf + "topic.status", "Kafka topic", NodeAndKafkaChecks::topic, false).or("edgesight.status"));
        add(new Key(kf + "topic.stats", "Kafka topic", NodeAndKafkaChecks::topic, false).or("edgesight.stats"));
        add(text(kf + "client-id"));
        add(exactChoice(kf + "acks", "acks", "all", "-1", "1", "0").or("all"));
        add(bool(kf + "idempotence").or(true));
        add(integer(kf + "max-in-flight", 1, 1000).or(5));
        add(integer(kf + "delivery-timeout-ms", 1, Integer.MAX_VALUE).or(120_000));
        add(integer(kf + "request-timeout-ms", 1, Integer.MAX_VALUE).or(30_000));
        add(integer(kf + "linger-ms", 0, 60_000).or(5));
        add(integer(kf + "max-block-ms", 0, Integer.MAX_VALUE).or(10_000));
        add(choice(kf + "compression", "compression", "none", "gzip", "lz4").or("none"));
        add(integer(kf + "buffer.size", 1, 10_000_000).or(10_000));
        add(integer(kf + "buffer.max-bytes", 0, Integer.MAX_VALUE).or(64 << 20));
        add(choice(kf + "security-protocol", "security protocol", "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").or("PLAINTEXT"));
        add(choice(kf + "sasl.mechanism", "SASL mechanism", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").or("PLAIN"));
        add(text(kf + "sasl.username"));
        add(secret(kf + "sasl.password"));
        add(path(kf + "tls.trust-store"));
        add(secret(kf + "tls.trust-store-password"));
        add(path(kf + "tls.key-store"));
        add(secret(kf + "tls.key-store-password"));
        add(bool(kf + "tls.hostname-verification").or(true));

        add(integer("edgesight.stats.interval-seconds", 1, 86_400).or(10));
        add(path("edgesight.output.dir").or("output"));
        add(integer("edgesight.output.max-bytes", 0, Integer.MAX_VALUE).or(64 << 20));
        add(integer("edgesight.output.max-age-seconds", 0, Integer.MAX_VALUE).or(86_400));
        add(integer("edgesight.output.keep", 0, 100_000).or(10));
        add(path("edgesight.snapshots.dir"));
        add(text("edgesight.snapshots.labels"));
        add(decimal("edgesight.snapshots.min-score", 0, 1).or(0));
        add(integer("edgesight.snapshots.min-interval-ms", 0, Integer.MAX_VALUE).or(1000));
        add(integer("edgesight.frames.width", 0, 8192).or(480));
        add(integer("edgesight.frames.quality", 1, 100).or(80));

        String w = "edgesight.webhook.";
        add(new Key(w + "url", "http|https url", ConfigKeys::webhookUrl, false));
        add(text(w + "labels"));
        add(decimal(w + "min-score", 0, 1).or(0));
        add(integer(w + "timeout-ms", 1, 600_000).or(5000));
        add(integer(w + "retries", 0, 1000).or(3));
        add(integer(w + "backoff-ms", 0, 3_600_000).or(500));
        add(integer(w + "queue-size", 1, 1_000_000).or(100));
        add(path(w + "dead-letter").or("output/webhook-dead-letter.jsonl"));
        add(path(w + "tls.trust-store"));
        add(secret(w + "tls.trust-store-password"));

        add(choice("edgesight.http.auth", "authentication", "none", "basic", "bearer").or("none"));
        add(text("edgesight.http.username"));
        add(secret("edgesight.http.password"));
        add(secret("edgesight.http.token"));

        // the camel-main keys config/application.properties documents (other camel.* keys are checked by name only)
        add(bool("camel.server.enabled"));
        add(host("camel.server.host"));
        add(integer("camel.server.port", 0, 65535));
        add(bool("camel.management.enabled"));
        add(host("camel.management.host"));
        add(integer("camel.management.port", 0, 65535));
        add(bool("camel.management.health-check-enabled"));
        add(bool("camel.management.metrics-enabled"));
        add(bool("camel.metrics.enabled"));

        for (KeyProvider p : java.util.ServiceLoader.load(KeyProvider.class, ConfigKeys.class.getClassLoader())) {
            for (Key k : p.keys()) {
                if (KEYS.containsKey(k.name()) || CONTRIBUTED.put(k.name(), k) != null) {
                    throw new IllegalStateException("key listed twice: " + k.name());
                }
            }
        }
    }

    private static final Pattern ID = Pattern.compile("^edgesight\\.(models|cameras)\\.([A-Za-z0-9_-]+)\\.(.+)$");
    /** A camera's zone or line: edgesight.cameras.{id}.zones.{zone}.* / lines.{line}.* */
    private static final Pattern NAMED = Pattern.compile("^(zones|lines)\\.([A-Za-z0-9_-]+)\\.(.+)$");

    private ConfigKeys() {}

    /** Every key of the table, in documentation order (each one documented in config/application.properties). */
    public static List<Key> all() { return List.copyOf(KEYS.values()); }

    /** The keys stages contribute ({@link KeyProvider}): documented by their stage. */
    public static List<Key> contributed() { return List.copyOf(CONTRIBUTED.values()); }

    /** The names of the edgesight.* keys ({id} for a model or camera id), contributed ones included. */
    public static List<String> edgesightNames() {
        List<String> out = new java.util.ArrayList<>(KEYS.keySet());
        out.addAll(CONTRIBUTED.keySet());
        return out.stream().filter(k -> k.startsWith("edgesight.")).toList();
    }

    /** The table entry of a concrete key (edgesight.models.sample.top-k finds edgesight.models.{id}.top-k). */
    public static Optional<Key> find(String key) {
        String g = generic(key);
        Key k = KEYS.get(g);
        return Optional.ofNullable(k != null ? k : CONTRIBUTED.get(g));
    }

    /** The table name of a concrete key: ids replaced by {id}. */
    public static String generic(String key) {
        Matcher m = ID.matcher(key);
        if (!m.matches()) return key;
        String rest = m.group(3);
        Matcher n = NAMED.matcher(rest);
        if (m.group(1).equals("cameras") && n.matches()) rest = n.group(1) + (n.group(1).equals("zones") ? ".{zone}." : ".{line}.") + n.group(3);
        return "edgesight." + m.group(1) + ".{id}." + rest;
    }

    /** The default of a concrete key (edgesight.models.sample.top-k: 3), or null when it has none. */
    public static String defaultOf(String key) {
        return find(key).map(Key::def).orElse(null);
    }

    /** The problem with a value of a documented key, or null (also for unknown keys and for empty values: unset). */
    public static String problem(String key, String value) {
        if (value == null || value.isBlank()) return null;
        return find(key).map(k -> k.check().problem(key, value.trim())).orElse(null);
    }

    /** A value as quoted in a message: control characters escaped, so the message stays one line. */
    public static String shown(String v) {
        StringBuilder sb = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ kinds of value

    private static void add(Key k) {
        if (KEYS.put(k.name(), k) != null) throw new IllegalStateException("key listed twice: " + k.name());
    }

    static Key integer(String name, int min, int max) {
        return new Key(name, "whole number " + min + ".." + max, (key, v) -> {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException ex) {
                return key + " must be a whole number, got '" + shown(v) + "'";
            }
            return n < min || n > max ? key + " must be between " + min + " and " + max + ", got " + shown(v) : null;
        }, false);
    }

    static Key longInteger(String name, long min, long max) {
        return new Key(name, "whole number " + min + ".." + max, (key, v) -> {
            long n;
            try {
                n = Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException ex) {
                return key + " must be a whole number (at most " + Long.MAX_VALUE + "), got '" + shown(v) + "'";
            }
            return n < min || n > max ? key + " must be between " + min + " and " + max + ", got " + shown(v) : null;
        }, false);
    }

    static Key decimal(String name, double min, double max) {
        return new Key(name, "number " + min + ".." + max, (key, v) -> {
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException ex) {
                return key + " must be a number, got '" + shown(v) + "'";
            }
            return !(d >= min && d <= max) ? key + " must be between " + num(min) + " and " + num(max) + ", got " + shown(v) : null;
        }, false);
    }

    static Key decimals(String name) {
        return new Key(name, "comma-separated numbers", (key, v) -> {
            for (String part : v.split(",", -1)) {
                try {
                    double d = Double.parseDouble(part.trim());
                    if (!Double.isFinite(d)) return key + " must be comma-separated finite numbers, got '" + shown(v) + "'";
                } catch (NumberFormatException ex) {
                    return key + " must be comma-separated numbers, got '" + shown(v) + "'";
                }
            }
            return null;
        }, false);
    }

    static Key bool(String name) {
        return new Key(name, "true|false", (key, v) -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")
                ? null : key + " must be true or false, got '" + shown(v) + "'", false);
    }

    /** One of {@code values}, in any letter case (the readers of these keys ignore case). */
    static Key choice(String name, String noun, String... values) {
        return choice(name, noun, false, values);
    }

    /** One of {@code values}, exactly as written (the readers of these keys compare case-sensitively). */
    static Key exactChoice(String name, String noun, String... values) {
        return choice(name, noun, true, values);
    }

    private static Key choice(String name, String noun, boolean exact, String... values) {
        return new Key(name, String.join("|", values), (key, v) -> {
            for (String c : values) if (exact ? c.equals(v) : c.equalsIgnoreCase(v)) return null;
            return key + ": unknown " + noun + " '" + shown(v) + "'; use one of " + String.join(", ", values);
        }, false);
    }

    static Key text(String name) {
        return new Key(name, "text", (key, v) -> v.indexOf('\0') >= 0 ? key + " contains a NUL character" : null, false);
    }

    static Key secret(String name) {
        return new Key(name, "secret text", (key, v) -> v.indexOf('\0') >= 0 ? key + " contains a NUL character" : null, true);
    }

    static Key path(String name) {
        return new Key(name, "path", (key, v) -> {
            try {
                Path.of(v);
                return null;
            } catch (InvalidPathException ex) {
                return key + " is not a usable path: " + ex.getReason();
            }
        }, false);
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[?[0-9A-Fa-f:.%a-z]+]?");

    static Key host(String name) {
        return new Key(name, "host name or IP address", (key, v) -> HOST.matcher(v).matches() && !v.equals("[]")
                ? null : key + " must be a host name or IP address (127.0.0.1, 0.0.0.0, ::1, myhost), got '" + shown(v) + "'", false);
    }

    private static String brokerUrl(String key, String v) {
        try {
            BrokerUrl.check(v);
            return null;
        } catch (UserError ex) {
            return SecretMasker.mask(shown(ex.getMessage()));
        }
    }

    /** "x,y; x,y; ..." (the count and the geometry are the zone's or line's own check). */
    private static String points(String key, String v) {
        for (String part : v.split(";")) {
            if (part.isBlank()) continue;
            String[] xy = part.split(",");
            try {
                if (xy.length != 2) throw new NumberFormatException();
                if (!Double.isFinite(Double.parseDouble(xy[0].trim())) || !Double.isFinite(Double.parseDouble(xy[1].trim()))) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                return key + ": '" + shown(part.trim()) + "' is not a point; list the points as x,y; x,y; ...";
            }
        }
        return null;
    }

    private static String topicPrefix(String key, String v) {
        return v.contains("#") || v.contains("+") || v.indexOf('\0') >= 0 || v.endsWith("/")
                ? key + " must be an MQTT topic without wildcards (#, +) or a trailing /, got '" + shown(v) + "'" : null;
    }

    private static String webhookUrl(String key, String v) {
        String hint = "; expected http://host:port/path or https://host/path";
        URI u;
        try {
            u = new URI(v);
        } catch (URISyntaxException ex) {
            return key + " '" + SecretMasker.mask(shown(v)) + "' does not parse (" + ex.getReason() + ")" + hint;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return key + " '" + SecretMasker.mask(shown(v)) + "' must start with http:// or https://" + hint;
        }
        if (u.getHost() == null || u.getHost().isBlank()) return key + " '" + SecretMasker.mask(shown(v)) + "' has no host" + hint;
        return null;
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** For messages: the allowed kinds of value, one per key. */
    public static String describe(String key) {
        return find(key).map(k -> k.name() + " (" + k.type() + ")").orElse(key);
    }
}
