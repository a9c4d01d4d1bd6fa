package io.edgesight.sink.kafka;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.edgesight.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edgesight.kafka.* settings of the Kafka output (routes/outputs.yaml): the checks that need more than one
 * key, and the camel-kafka component options they become. Producer settings default to no loss: every in-sync
 * replica acknowledges ({@code acks=all}), idempotence on (a retried batch is written once, in order), at most 5
 * requests in flight (the most idempotence keeps in order), and a delivery timeout within which the producer
 * retries by itself. Credentials go to the component (never into an endpoint URI, which Camel logs).
 */
public final class KafkaOutput {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutput.class);
    public static final String P = "edgesight.kafka.";
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern BROKER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})");

    private KafkaOutput() {}

    /** The value check of a topic key: Kafka's own rule for topic names. */
    public static String topicProblem(String key, String v) {
        return io.edgesight.config.NodeAndKafkaChecks.topic(key, v);
    }

    /** The value check of edgesight.kafka.brokers: host:port[,host:port...]. */
    public static String brokersProblem(String key, String v) {
        return io.edgesight.config.NodeAndKafkaChecks.brokers(key, v);
    }

    /** Problems that involve several keys; empty when the output is off or consistent. */
    public static List<String> problems(Function<String, String> property) {
        Settings s = new Settings(property);
        List<String> out = new ArrayList<>();
        try {
            if (!s.bool(P + "enabled")) return out;
            String acks = s.string(P + "acks").toLowerCase(Locale.ROOT);
            boolean idempotence = s.bool(P + "idempotence");
            int inFlight = s.integer(P + "max-in-flight");
            if (idempotence && !acks.equals("all") && !acks.equals("-1")) {
                out.add(P + "idempotence=true needs " + P + "acks=all (got acks=" + acks + "): set acks=all, or idempotence=false "
                        + "and accept that a retried record may be written twice");
            }
            if (idempotence && inFlight > 5) {
                out.add(P + "max-in-flight must be at most 5 with " + P + "idempotence=true (more would reorder a camera's records "
                        + "on a retry), got " + inFlight);
            }
            long delivery = s.integer(P + "delivery-timeout-ms");
            long linger = s.integer(P + "linger-ms");
            long request = s.integer(P + "request-timeout-ms");
            if (delivery < linger + request) {
                out.add(P + "delivery-timeout-ms (" + delivery + ") must be at least linger-ms + request-timeout-ms (" + (linger + request)
                        + "); raise it or lower request-timeout-ms");
            }
            String protocol = s.string(P + "security-protocol").toUpperCase(Locale.ROOT);
            for (String store : List.of("tls.trust-store", "tls.key-store")) {
                String path = s.string(P + store, null);
                if (path != null && protocol.contains("SSL") && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(path))) {
                    out.add(P + store + ": " + path + " does not exist (the " + store.substring(4).replace('-', ' ')
                            + " for security-protocol=" + protocol + ")");
                }
            }
            if (protocol.startsWith("SASL") && (s.string(P + "sasl.username", null) == null || s.string(P + "sasl.password", null) == null)) {
                out.add(P + "security-protocol=" + protocol + " needs " + P + "sasl.username and " + P + "sasl.password");
            }
        } catch (io.edgesight.config.UserError e) {
            // a malformed value: the per-key check reports it
        }
        return out;
    }

    /** The camel-kafka component and kafka-buffer options for these settings (camel.component.* keys). */
    public static Map<String, String> componentOptions(Settings s, String node) {
        Map<String, String> o = new LinkedHashMap<>();
        boolean enabled = s.bool(P + "enabled");
        o.put("camel.component.kafka-buffer.publish", Boolean.toString(enabled));
        o.put("camel.component.kafka-buffer.size", Integer.toString(s.integer(P + "buffer.size")));
        o.put("camel.component.kafka-buffer.maxBytes", Integer.toString(s.integer(P + "buffer.max-bytes")));
        String k = "camel.component.kafka.";
        o.put(k + "brokers", s.string(P + "brokers"));
        o.put(k + "clientId", s.string(P + "client-id", "edgesight-" + node));
        o.put(k + "requestRequiredAcks", s.string(P + "acks").toLowerCase(Locale.ROOT));
        o.put(k + "enableIdempotence", Boolean.toString(s.bool(P + "idempotence")));
        o.put(k + "maxInFlightRequest", Integer.toString(s.integer(P + "max-in-flight")));
        o.put(k + "deliveryTimeoutMs", Integer.toString(s.integer(P + "delivery-timeout-ms")));
        o.put(k + "requestTimeoutMs", Integer.toString(s.integer(P + "request-timeout-ms")));
        o.put(k + "lingerMs", Integer.toString(s.integer(P + "linger-ms")));
        o.put(k + "maxBlockMs", Integer.toString(s.integer(P + "max-block-ms")));
        o.put(k + "compressionCodec", s.string(P + "compression").toLowerCase(Locale.ROOT));
        // at shutdown the buffer drains for up to 5 s; a producer that still cannot deliver then gives up as fast
        o.put(k + "shutdownTimeout", "5000");
        o.put(k + "valueSerializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        // the producer retries within the delivery timeout (retries = unbounded); edgesight's buffer retries beyond it
        o.put(k + "retries", Integer.toString(Integer.MAX_VALUE));
        String protocol = s.string(P + "security-protocol").toUpperCase(Locale.ROOT);
        o.put(k + "securityProtocol", protocol);
        if (protocol.contains("SSL")) {
            String ts = s.string(P + "tls.trust-store", null);
            if (ts != null) {
                o.put(k + "sslTruststoreLocation", ts);
                o.put(k + "sslTruststoreType", storeType(ts));
                String p = s.string(P + "tls.trust-store-password", null);
                if (p != null) o.put(k + "sslTruststorePassword", p);
            }
            String ks = s.string(P + "tls.key-store", null);
            if (ks != null) {
                o.put(k + "sslKeystoreLocation", ks);
                o.put(k + "sslKeystoreType", storeType(ks));
                String p = s.string(P + "tls.key-store-password", null);
                if (p != null) {
                    o.put(k + "sslKeystorePassword", p);
                    o.put(k + "sslKeyPassword", p);
                }
            }
            o.put(k + "sslEndpointAlgorithm", s.bool(P + "tls.hostname-verification") ? "https" : "");
        }
        if (protocol.startsWith("SASL")) {
            String mechanism = s.string(P + "sasl.mechanism").toUpperCase(Locale.ROOT);
            o.put(k + "saslMechanism", mechanism);
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            o.put(k + "saslJaasConfig", module + " required username=\"" + jaas(s.string(P + "sasl.username", ""))
                    + "\" password=\"" + jaas(s.string(P + "sasl.password", "")) + "\";");
        }
        return o;
    }

    private static String storeType(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".p12") || p.endsWith(".pfx") ? "PKCS12" : p.endsWith(".pem") ? "PEM" : "JKS";
    }

    private static String jaas(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * At start-up: a warning when no bootstrap server answers (the records wait in the buffer until one does);
     * never an error, so an edge box starts while its uplink or the cluster is down.
     */
    public static void warnIfUnreachable(Settings s) {
        if (!s.bool(P + "enabled")) return;
        String brokers = s.string(P + "brokers");
        for (String b : brokers.split(",")) {
            var m = BROKER.matcher(b.trim());
            if (!m.matches()) continue;
            String host = m.group(1).replace("[", "").replace("]", "");
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, Integer.parseInt(m.group(2))), 1000);
                return;
            } catch (Exception e) {
                // try the next one
            }
        }
        LOG.warn("Kafka: no bootstrap server of {} is reachable yet; records wait in the outbound buffer (at most {}) "
                + "until one is", brokers, s.integer(P + "buffer.size"));
    }
}
