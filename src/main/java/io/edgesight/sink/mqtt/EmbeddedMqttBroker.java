package io.edgesight.sink.mqtt;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * In-process MQTT 3.1/3.1.1/5 broker (Apache Artemis) used when no external broker is configured.
 * Memory only (no journal, paging or lock files), a single MQTT-only TCP acceptor, no JMX.
 * Logs nothing itself; quiet Artemis with loggers {@code org.apache.activemq.artemis=WARN}
 * and {@code org.apache.activemq.audit=OFF}.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

    private static final String ACCEPTOR = "mqtt";
    /** Upper bound for messages held in memory (all topics); beyond it new messages are dropped. */
    private static final long GLOBAL_MAX_BYTES = 64L * 1024 * 1024;

    private final EmbeddedActiveMQ embedded;
    private final String host;
    private final int port;

    private EmbeddedMqttBroker(EmbeddedActiveMQ embedded, String host, int port) {
        this.embedded = embedded;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts a broker listening on {@code host:port} (port 0 = any free port, see {@link #port()}).
     * With {@code username == null} anyone may connect; otherwise exactly that user/password is required.
     *
     * @throws IllegalStateException if the broker cannot start or bind
     */
    public static EmbeddedMqttBroker start(String host, int port, String username, String password) {
        if (host == null || host.isBlank() || port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad broker address " + host + ":" + port);
        }
        requireCredentialsWhenExposed(host, username, password);
        boolean secured = username != null;

        Configuration config = new ConfigurationImpl()
                .setName("edgesight-mqtt")
                .setPersistenceEnabled(false)        // no journal/bindings/large-message files
                .setSecurityEnabled(secured)
                .setJMXManagementEnabled(false)
                .setCriticalAnalyzer(false)          // never halt/shutdown the JVM on slow I/O
                .setGlobalMaxSize(GLOBAL_MAX_BYTES)
                .setMaxDiskUsage(-1)                 // no disk monitor: we never write, so a full disk must not block publishers
                .setMinDiskFree(-1)
                .setThreadPoolMaxSize(8)             // defaults (30 + 5) are sized for a server, not an edge box
                .setScheduledThreadPoolMaxSize(2)
                .setMqttSessionScanInterval(1000)    // MQTT 5 will-delay / session expiry granularity (default 5 s)
                // PAGE (the default) would write page files even with persistence off: drop instead.
                // DLA/expiry names (no queues bound, so such messages are dropped) only stop Artemis from
                // logging two WARNs (AMQ222165/AMQ222166) for every MQTT subscription.
                .addAddressSetting("#", new AddressSettings()
                        .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP)
                        .setDeadLetterAddress(SimpleString.of("DLQ"))
                        .setExpiryAddress(SimpleString.of("ExpiryQueue")))
                // retained-message queues ($sys.mqtt.retain.<topic>) go away once their message is cleared
                .addAddressSetting("$sys.mqtt.retain.#", new AddressSettings()
                        .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP)
                        .setAutoDeleteQueues(true)
                        .setAutoDeleteAddresses(true));
        try {
            // Only MQTT on this port (no CORE/AMQP); few I/O threads; fast event-loop shutdown on close();
            // MQTT 3.x persistent sessions (cleanSession=false) abandoned for 1 h are dropped instead of
            // queueing messages forever (MQTT 5 clients state their own session expiry).
            config.addAcceptorConfiguration(ACCEPTOR, "tcp://" + bracketIpv6(host) + ":" + port
                    + "?protocols=MQTT;nioRemotingThreads=2;quietPeriod=0;shutdownTimeout=1000"
                    + ";defaultMqttSessionExpiryInterval=3600");
        } catch (Exception e) {
            throw new IllegalArgumentException("bad broker address " + host + ":" + port, e);
        }

        // Artemis logs a multi-line ERROR for a busy port / bad host; probe first to fail cleanly instead.
        ensureBindable(host, port);
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ()
                .setConfiguration(config)
                .setPropertiesResourcePath(null)     // don't pick up a stray broker.properties from the classpath
                .setSecurityManager(new SingleUser(username, password));
        try {
            embedded.start();
            ActiveMQServer server = embedded.getActiveMQServer();
            // Artemis logs (not throws) some failures and would then run without MQTT: check explicitly.
            if (!server.getRemotingService().getProtocolFactoryMap().containsKey("MQTT")) {
                throw new IllegalStateException("Artemis MQTT protocol not on classpath (META-INF/services lost in packaging?)");
            }
            Acceptor acceptor = server.getRemotingService().getAcceptor(ACCEPTOR);
            if (!server.isActive() || !(acceptor instanceof NettyAcceptor netty) || !netty.isStarted()) {
                throw new IllegalStateException("MQTT acceptor did not start on " + host + ":" + port);
            }
            return new EmbeddedMqttBroker(embedded, host, netty.getActualPort());
        } catch (Exception e) {
            stopQuietly(embedded);
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("cannot start embedded MQTT broker on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * A broker reachable from other machines must not take anonymous clients: anyone on the network could read
     * the predictions and publish fake ones. Loopback (the default) is exempt.
     */
    static void requireCredentialsWhenExposed(String host, String username, String password) {
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new io.edgesight.config.UserError("edgesight.mqtt.embedded.host '" + host + "' is not a known host name or address");
        }
        if (!loopback && (username == null || username.isBlank() || password == null || password.isBlank())) {
            throw new io.edgesight.config.UserError("edgesight.mqtt.embedded.host is " + host + ", reachable from other machines:"
                    + " set edgesight.mqtt.username and edgesight.mqtt.password so that MQTT clients must log in,"
                    + " or keep the embedded broker on 127.0.0.1");
        }
    }

    /** Host the broker listens on, as given to {@link #start}. */
    public String host() {
        return host;
    }

    /** Actually bound port (the OS-chosen one when started with port 0). */
    public int port() {
        return port;
    }

    /** {@code tcp://host:port} for clients in this process (paho / camel-paho-mqtt5 {@code brokerUrl}); a wildcard host maps to loopback. */
    public String url() {
        String h = switch (host) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> bracketIpv6(host);
        };
        return "tcp://" + h + ":" + port;
    }

    private static String bracketIpv6(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Disconnects clients and stops the broker; idempotent. */
    @Override
    public void close() {
        stopQuietly(embedded);
    }

    private static void ensureBindable(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // same as Netty: TIME_WAIT leftovers are fine, a live listener is not
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + (port != 0 ? "; is another MQTT broker already running there?)" : ")"), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e + ")", e);
        }
    }

    private static void stopQuietly(EmbeddedActiveMQ embedded) {
        try {
            if (embedded.getActiveMQServer() != null) {
                embedded.stop();
            }
        } catch (Exception ignored) {
            // best effort: nothing on disk to corrupt
        }
    }

    /** One fixed account with full rights; only consulted when security is enabled. */
    private record SingleUser(String user, String password) implements ActiveMQSecurityManager {
        @Override
        public boolean validateUser(String u, String p) {
            return user != null && same(user, u) && same(password == null ? "" : password, p == null ? "" : p);
        }

        @Override
        public boolean validateUserAndRole(String u, String p, Set<Role> roles, CheckType checkType) {
            return validateUser(u, p); // authenticated = may publish/subscribe anywhere
        }

        private static boolean same(String expected, String actual) {
            return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
        }
    }
}
