package io.edgesight.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Value checks of the node and Kafka keys, here so that the key table needs no package above this one. */
public final class NodeAndKafkaChecks {
    /** Usable as one MQTT topic level and in a Kafka key: no '/', wildcards, spaces or control characters. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern BROKER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})");

    private NodeAndKafkaChecks() {}

    /** edgesight.node.id. */
    public static String nodeId(String key, String v) {
        return NODE_ID.matcher(v).matches() ? null : key + " must be 1 to 128 letters, digits, '.', '_' or '-' (it is an MQTT "
                + "topic level and part of the Kafka keys), got '" + ConfigKeys.shown(v) + "'";
    }

    /** A Kafka topic name. */
    public static String topic(String key, String v) {
        if (TOPIC.matcher(v).matches() && !v.equals(".") && !v.equals("..")) return null;
        return key + ": '" + ConfigKeys.shown(v) + "' is not a Kafka topic name (1 to 249 letters, digits, "
                + "'.', '_' or '-'; not '.' or '..')";
    }

    /** edgesight.kafka.brokers: host:port[,host:port...]. */
    public static String brokers(String key, String v) {
        for (String b : v.split(",", -1)) {
            Matcher m = BROKER.matcher(b.trim());
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
                return key + " must be host:port[,host:port...] (e.g. kafka1:9092,kafka2:9092), got '"
                        + ConfigKeys.shown(v) + "'";
            }
        }
        return null;
    }
}
