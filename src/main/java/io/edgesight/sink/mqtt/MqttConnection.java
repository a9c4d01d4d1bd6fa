package io.edgesight.sink.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.edgesight.config.Settings;
import io.edgesight.config.BrokerUrl;
import io.edgesight.config.UserError;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one MQTT 5 connection of the process, shared by every {@code paho-mqtt5:} endpoint of the routes (the
 * component's {@code client}). It owns what the Paho producer cannot do by itself:
 * <ul>
 *   <li>availability: last will {@code <prefix>/available = offline} (retained, QoS 1); {@code online} (retained)
 *       after every (re)connect; {@code offline} published on a clean stop;</li>
 *   <li>connecting in the background, and reconnecting with backoff, so an unreachable broker never stops the
 *       start or the pipeline (the {@code mqtt-buffer:} outbox holds messages meanwhile);</li>
 *   <li>client id, username/password, TLS (trust store; key store for a client certificate).</li>
 * </ul>
 */
public final class MqttConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    public static final String CLIENT_BEAN = "mqttClient";
    public static final String BEAN = "mqttConnection";

    /** What the connection needs, from edgesight.mqtt.* (see config/application.properties). */
    public record Options(String url, String clientId, String username, String password, String prefix,
                          int keepAliveSeconds, long reconnectMaxDelayMillis,
                          Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword,
                          boolean hostnameVerification) {

        public static Options from(Settings s, String url) {
            String prefix = s.string("edgesight.mqtt.prefix");
            String user = s.string("edgesight.mqtt.username", null);
            return new Options(url,
                    s.string("edgesight.mqtt.client-id", "edgesight-" + UUID.randomUUID().toString().substring(0, 8)),
                    user, user == null ? null : s.required("edgesight.mqtt.password"), prefix,
                    s.integer("edgesight.mqtt.keep-alive-seconds"),
                    s.integer("edgesight.mqtt.reconnect-max-delay-ms"),
                    path(s.string("edgesight.mqtt.tls.trust-store", null)), s.string("edgesight.mqtt.tls.trust-store-password", null),
                    path(s.string("edgesight.mqtt.tls.key-store", null)), s.string("edgesight.mqtt.tls.key-store-password", null),
                    s.bool("edgesight.mqtt.tls.hostname-verification"));
        }

        private static Path path(String p) { return p == null ? null : Path.of(p); }

        public String availabilityTopic() { return prefix + "/available"; }
    }

    private final Options options;
    private final MqttClient client;
    private final MqttConnectionOptions connectOptions;
    private final ScheduledExecutorService executor;
    private volatile boolean closed;
    private volatile boolean everConnected;
    private volatile long lostAtNanos;
    private volatile boolean refusalLogged;

    private MqttConnection(Options options, MqttClient client, MqttConnectionOptions connectOptions) {
        this.options = options;
        this.client = client;
        this.connectOptions = connectOptions;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-connection");
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks the URL and TLS stores (user errors name the key) and creates the client; does not connect yet. */
    public static MqttConnection create(Options o) {
        String url = checkUrl(o.url());
        MqttConnectionOptions c = new MqttConnectionOptions();
        c.setServerURIs(new String[] {url});
        c.setCleanStart(true);
        c.setAutomaticReconnect(false); // reconnecting is ours: it also covers a broker that was down at start
        c.setConnectionTimeout(5);
        c.setKeepAliveInterval(o.keepAliveSeconds());
        if (o.username() != null) {
            c.setUserName(o.username());
            if (o.password() != null) c.setPassword(o.password().getBytes(StandardCharsets.UTF_8));
        }
        MqttMessage will = new MqttMessage("offline".getBytes(StandardCharsets.UTF_8), 1, true, null);
        c.setWill(o.availabilityTopic(), will);
        if (o.trustStore() != null || o.keyStore() != null) {
            c.setSocketFactory(sslContext(o).getSocketFactory());
            c.setHttpsHostnameVerificationEnabled(o.hostnameVerification());
        }
        MqttClient client;
        try {
            client = new MqttClient(url, o.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new UserError("edgesight.mqtt.broker-url '" + url + "' is not usable: " + e.getMessage());
        }
        client.setTimeToWait(10_000); // a publish never waits longer than this for its acknowledgement
        return new MqttConnection(o, client, c);
    }

    /** A broker URL Paho can use: tcp://host:port, ssl://host:port (ws/wss too); otherwise one clear error. */
    public static String checkUrl(String url) {
        return BrokerUrl.check(url);
    }

    static SSLContext sslContext(Options o) {
        try {
            TrustManagerFactory tmf = null;
            if (o.trustStore() != null) {
                KeyStore ts = loadStore(o.trustStore(), o.trustStorePassword(), "edgesight.mqtt.tls.trust-store");
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            KeyManagerFactory kmf = null;
            if (o.keyStore() != null) {
                KeyStore ks = loadStore(o.keyStore(), o.keyStorePassword(), "edgesight.mqtt.tls.key-store");
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                try {
                    kmf.init(ks, o.keyStorePassword() == null ? new char[0] : o.keyStorePassword().toCharArray());
                } catch (UnrecoverableKeyException e) {
                    throw new UserError("edgesight.mqtt.tls.key-store-password: cannot unlock the private key in "
                            + o.keyStore() + " (wrong password?)");
                }
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new UserError("MQTT TLS set-up failed: " + e.getMessage());
        }
    }

    /** A PKCS12 (or, by .jks extension, JKS) store; a missing file or wrong password is a user error naming {@code key}. */
    public static KeyStore loadStore(Path file, String password, String key) {
        if (!Files.isRegularFile(file)) throw new UserError(key + ": " + file.toAbsolutePath() + " does not exist");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".jks") ? "JKS" : "PKCS12";
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password == null ? null : password.toCharArray());
            return ks;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new UserError(key + "-password: wrong password for " + file + " (" + e.getMessage() + ")");
            }
            throw new UserError(key + ": cannot read " + file + " as a " + type + " store (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new UserError(key + ": cannot read " + file + " as a " + type + " store (" + e.getMessage() + ")");
        }
    }

    /** Tries to connect for up to about {@code waitMillis}, then keeps trying in the background. Never throws. */
    public void start(long waitMillis) {
        client.setCallback(new Callback());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        if (!tryConnect(true)) {
            LOG.warn("MQTT broker {} is not reachable yet; predictions wait in the outbound buffer and edgesight keeps trying",
                    options.url());
            scheduleReconnect(250);
        }
        // give the background attempts a chance within the wait, so a broker that starts with us is used at once
        while (!client.isConnected() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized boolean tryConnect(boolean first) {
        if (closed || client.isConnected()) return true;
        try {
            client.connect(connectOptions);
            return true;
        } catch (MqttException e) {
            if (first) LOG.debug("MQTT connect to {} failed: {}", options.url(), e.getMessage());
            if (isPermanent(e) && !refusalLogged) {
                refusalLogged = true; // once: it is retried every few seconds
                LOG.error("MQTT broker {} refused the connection: {} (check edgesight.mqtt.username/password/client-id); retrying",
                        options.url(), e.getMessage());
            }
            return false;
        }
    }

    private static boolean isPermanent(MqttException e) {
        int rc = e.getReasonCode();
        return rc == 0x86 || rc == 0x87 || rc == 0x85 || rc == 0x8C; // bad user/password, not authorized, bad client id, bad auth method
    }

    private void scheduleReconnect(long delayMillis) {
        if (closed) return;
        executor.schedule(() -> {
            if (!tryConnect(false)) scheduleReconnect(Math.min(options.reconnectMaxDelayMillis(), Math.max(250, delayMillis * 2)));
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void publishOnline() {
        executor.execute(() -> {
            try {
                client.publish(options.availabilityTopic(), "online".getBytes(StandardCharsets.UTF_8), 1, true);
            } catch (MqttException e) {
                LOG.debug("could not publish availability: {}", e.getMessage());
            }
        });
    }

    public MqttClient client() { return client; }

    public boolean isConnected() { return client.isConnected(); }

    public String url() { return options.url(); }

    public Options options() { return options; }

    /** Publishes {@code offline} (retained), disconnects cleanly (no last will) and stops reconnecting. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            if (client.isConnected()) {
                client.publish(options.availabilityTopic(), "offline".getBytes(StandardCharsets.UTF_8), 1, true);
                client.disconnect(2000);
            }
        } catch (MqttException e) {
            LOG.debug("MQTT disconnect: {}", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("MQTT close: {}", e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (closed) return;
            lostAtNanos = System.nanoTime();
            String why = response.getException() != null ? response.getException().getMessage()
                    : response.getReasonString() != null ? response.getReasonString() : "reason code " + response.getReturnCode();
            LOG.warn("MQTT connection to {} lost ({}); buffering and reconnecting", options.url(), why);
            scheduleReconnect(250);
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            refusalLogged = false;
            if (everConnected) {
                LOG.info("MQTT reconnected to {} after {} s", serverURI, (System.nanoTime() - lostAtNanos) / 1_000_000_000);
            } else {
                LOG.info("MQTT connected to {} as '{}'", serverURI, options.clientId());
            }
            everConnected = true;
            publishOnline();
        }

        @Override public void mqttErrorOccurred(MqttException exception) { LOG.debug("MQTT error: {}", exception.getMessage()); }
        @Override public void messageArrived(String topic, MqttMessage message) {}
        @Override public void deliveryComplete(IMqttToken token) {}
        @Override public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
