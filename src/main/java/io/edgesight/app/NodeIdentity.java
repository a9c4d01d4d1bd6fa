package io.edgesight.app;

import io.edgesight.config.Settings;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which edgesight this is, among many publishing to one Kafka cluster or one central broker:
 * {@code edgesight.node.id}, by default the host name. It is in every payload ({@code node}), in the Kafka record
 * keys ({@code <node>/<camera>}) and in the statistics; {@code {{edgesight.node.id}}} may be part of the MQTT prefix.
 */
public final class NodeIdentity {
    public static final String BEAN = "node";
    public static final String KEY = "edgesight.node.id";
    /** Usable as one MQTT topic level and in a Kafka key: no '/', wildcards, spaces or control characters. */
    public static final Pattern VALID = io.edgesight.config.NodeAndKafkaChecks.NODE_ID;

    private final String id;

    public NodeIdentity(String id) {
        this.id = id;
    }

    /** The configured id, or the host name (its first label, made valid), or "edgesight" when it has none. */
    public static NodeIdentity from(Settings settings) {
        String configured = settings.string(KEY, null);
        return new NodeIdentity(configured != null ? configured : hostName());
    }

    static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                h = null;
            }
        }
        if (h == null || h.isBlank()) return "edgesight";
        String first = h.trim().split("\\.")[0].replaceAll("[^A-Za-z0-9_-]", "-");
        return first.isEmpty() ? "edgesight" : first.substring(0, Math.min(128, first.length()));
    }

    /** The value check of edgesight.node.id (ConfigKeys). */
    static String problem(String key, String v) {
        return io.edgesight.config.NodeAndKafkaChecks.nodeId(key, v);
    }

    public String id() { return id; }

    /** Route step: the camera status message with the node first. */
    public Map<String, Object> stamp(Map<String, Object> body) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", id);
        out.putAll(body);
        return out;
    }

    /** {{edgesight.node.id}} in a setting's value (the MQTT prefix) replaced by the id. */
    public String expand(String value) {
        return value == null ? null : value.replace("{{" + KEY + "}}", id);
    }
}
