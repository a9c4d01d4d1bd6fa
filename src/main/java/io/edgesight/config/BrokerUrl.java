package io.edgesight.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/** The check of edgesight.mqtt.broker-url, shared by start-up validation and the MQTT connection. */
public final class BrokerUrl {
    private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");

    private BrokerUrl() {}

    /** A broker URL Paho can use: tcp://host:port, ssl://host:port (ws/wss too); otherwise one clear error. */
    public static String check(String url) {
        String hint = "; expected tcp://host:1883 or ssl://host:8883 (edgesight.mqtt.broker-url)";
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new UserError("edgesight.mqtt.broker-url '" + url + "' does not parse (" + e.getReason() + ")" + hint);
        }
        String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !SCHEMES.contains(scheme)) {
            throw new UserError("edgesight.mqtt.broker-url '" + url + "' does not parse: "
                    + (scheme == null ? "no scheme" : "unknown scheme '" + scheme + "'") + hint);
        }
        if (u.getHost() == null || u.getHost().isBlank()) {
            throw new UserError("edgesight.mqtt.broker-url '" + url + "' does not parse: no host" + hint);
        }
        if (u.getPort() == 0 || u.getPort() > 65535) {
            throw new UserError("edgesight.mqtt.broker-url '" + url + "' does not parse: bad port" + hint);
        }
        return url.trim();
    }
}
