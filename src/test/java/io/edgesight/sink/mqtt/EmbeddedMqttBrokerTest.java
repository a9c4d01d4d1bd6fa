package io.edgesight.sink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedMqttBrokerTest {

    private static final long WAIT_S = 5;

    private EmbeddedMqttBroker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    /** A message as seen by a subscriber. */
    record Got(String topic, String payload, int qos, boolean retained) {}

    @AfterEach
    void tearDown() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) c.disconnect(1000);
            } catch (MqttException ignored) {
            }
            try {
                c.close(true);
            } catch (MqttException ignored) {
            }
        }
        if (broker != null) broker.close();
    }

    @Test
    void deliversQos0AndQos1InOrder() throws Exception {
        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
        assertThat(broker.port()).isPositive();
        assertThat(broker.url()).isEqualTo("tcp://127.0.0.1:" + broker.port());

        BlockingQueue<Got> inbox = subscribe(connect("sub", null), "edgesight/#", 1);
        MqttClient pub = connect("pub", null);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String payload = "m" + i;
            pub.publish("edgesight/cam" + (i % 2) + "/detections", bytes(payload), i % 2, false);
            sent.add(payload);
        }

        List<Got> got = take(inbox, sent.size());
        assertThat(got).extracting(Got::payload).containsExactlyElementsOf(sent);
        assertThat(got).extracting(Got::qos).containsExactlyElementsOf(IntStream.range(0, 20).map(i -> i % 2).boxed().toList());
        assertThat(got.get(1).topic()).isEqualTo("edgesight/cam1/detections");
    }

    @Test
    void retainedMessageReachesLateSubscriber() throws Exception {
        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
        MqttClient pub = connect("pub", null);
        pub.publish("edgesight/status", bytes("old"), 1, true);
        pub.publish("edgesight/status", bytes("online"), 1, true); // replaces "old"

        BlockingQueue<Got> late = subscribe(connect("late", null), "edgesight/#", 1);
        assertThat(take(late, 1).get(0)).isEqualTo(new Got("edgesight/status", "online", 1, true));
        assertThat(late.poll(300, TimeUnit.MILLISECONDS)).as("only the last retained message").isNull();

        // an empty retained payload clears it
        pub.publish("edgesight/status", new byte[0], 1, true);
        BlockingQueue<Got> later = subscribe(connect("later", null), "edgesight/#", 1);
        assertThat(later.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void lastWillOnAbruptDropButNotOnCleanDisconnect() throws Exception {
        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
        BlockingQueue<Got> watcher = subscribe(connect("watcher", null), "edgesight/#", 1);

        MqttClient polite = connectWithWill("polite");
        polite.disconnect(); // sends DISCONNECT (reason 0) -> will must be discarded
        MqttClient camera = connectWithWill("camera");
        // Close the TCP socket without a DISCONNECT packet, like a crash or a pulled cable.
        camera.disconnectForcibly(0, 1000, false);

        Got will = watcher.poll(WAIT_S, TimeUnit.SECONDS);
        assertThat(will).isNotNull();
        assertThat(will.topic()).isEqualTo("edgesight/camera/status");
        assertThat(will.payload()).isEqualTo("offline camera");
        assertThat(watcher.poll(300, TimeUnit.MILLISECONDS)).as("no will from 'polite'").isNull();
    }

    @Test
    void credentialsAreEnforcedWhenSet() throws Exception {
        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, "edge", "s3cret");

        // CONNACK 0x86/0x87, or "connection lost" when Artemis 2.40 closes before the CONNACK is flushed (ARTEMIS-5691)
        assertThatThrownBy(() -> connect("anon", null)).isInstanceOf(MqttException.class)
                .satisfies(e -> System.out.println("anonymous refused: " + e));
        assertThatThrownBy(() -> connect("wrong", new String[] {"edge", "nope"})).isInstanceOf(MqttException.class)
                .satisfies(e -> System.out.println("wrong password refused: " + e));

        String[] creds = {"edge", "s3cret"};
        BlockingQueue<Got> inbox = subscribe(connect("sub", creds), "edgesight/#", 1);
        connect("pub", creds).publish("edgesight/x", bytes("hello"), 1, false);
        assertThat(take(inbox, 1).get(0).payload()).isEqualTo("hello");
    }

    @Test
    void camelPahoMqtt5ProducerPublishes() throws Exception {
        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
        BlockingQueue<Got> inbox = subscribe(connect("sub", null), "edgesight/#", 2);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // default camel-paho-mqtt5 qos is 2: exercise it, and qos 0
                    from("direct:q2").to("paho-mqtt5:edgesight/camel?brokerUrl=" + broker.url());
                    from("direct:q0").to("paho-mqtt5:edgesight/camel?qos=0&brokerUrl=" + broker.url());
                }
            });
            camel.start();
            camel.createProducerTemplate().sendBody("direct:q2", "from-camel-q2");
            camel.createProducerTemplate().sendBody("direct:q0", "from-camel-q0");
            assertThat(take(inbox, 2)).extracting(Got::payload).containsExactlyInAnyOrder("from-camel-q2", "from-camel-q0");
        }
    }

    @Test
    void realMosquittoSubReceives() throws Exception {
        io.edgesight.testing.Tools.require(java.nio.file.Path.of("/usr/bin/mosquitto_sub"), "mosquitto-clients");
        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
        MqttClient pub = connect("pub", null);
        // First payload is retained, so mosquitto_sub printing it proves its subscription is live
        // (no race with the next, non-retained publishes).
        pub.publish("edgesight/a", bytes("one"), 1, true);

        Process p = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port()),
                "-t", "edgesight/#", "-C", "3", "-W", "10", "-V", "mqttv5").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            lines.add(out.readLine());
            assertThat(lines.get(0)).isEqualTo("one");
            pub.publish("edgesight/b", bytes("two"), 0, false);
            pub.publish("edgesight/c/d", bytes("three"), 1, false);
            for (String l; (l = out.readLine()) != null; ) lines.add(l);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(lines).containsExactly("one", "two", "three");
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void bindsOnlyRequestedAddressAndFreesPortOnClose() throws Exception {
        long t0 = System.nanoTime();
        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
        long started = System.nanoTime();
        int port = broker.port();

        if (System.getenv("CI") != null) {
            assertThat(onPath("ss")).as("CI must have ss (.ci/run installs iproute2) to check the loopback bind").isTrue();
        }
        if (onPath("ss")) {
            Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(5, TimeUnit.SECONDS);
            // exactly one listener, on loopback (epoll reports it IPv4-mapped: [::ffff:127.0.0.1])
            assertThat(out.lines().toList()).hasSize(1)
                    .allMatch(l -> l.matches(".*\\s(127\\.0\\.0\\.1|\\[::ffff:127\\.0\\.0\\.1\\]):" + port + "\\s.*"));
        }

        broker.close();
        long stopped = System.nanoTime();
        System.out.printf("embedded MQTT broker: start %d ms, stop %d ms%n",
                (started - t0) / 1_000_000, (stopped - started) / 1_000_000);
        broker.close(); // idempotent

        try (ServerSocket s = new ServerSocket()) { // port really released
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void failsLoudlyWhenPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> EmbeddedMqttBroker.start("127.0.0.1", taken.getLocalPort(), null, null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    // ---- helpers ----

    private MqttClient connect(String id, String[] creds) throws MqttException {
        return connect(id, creds, null);
    }

    private MqttClient connectWithWill(String id) throws MqttException {
        MqttMessage will = new MqttMessage(bytes("offline " + id));
        will.setQos(1);
        return connect(id, null, will);
    }

    private MqttClient connect(String id, String[] creds, MqttMessage will) throws MqttException {
        MqttClient c = new MqttClient(broker.url(), id, new MemoryPersistence()); // no ./paho* files
        clients.add(c);
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(5);
        o.setAutomaticReconnect(false);
        if (creds != null) {
            o.setUserName(creds[0]);
            o.setPassword(bytes(creds[1]));
        }
        if (will != null) o.setWill("edgesight/" + id + "/status", will);
        c.connect(o);
        return c;
    }

    private static BlockingQueue<Got> subscribe(MqttClient c, String filter, int qos) throws MqttException {
        BlockingQueue<Got> q = new LinkedBlockingQueue<>();
        c.subscribe(new MqttSubscription[] {new MqttSubscription(filter, qos)}, new IMqttMessageListener[] {(topic, m) ->
                        q.add(new Got(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(), m.isRetained()))})
                .waitForCompletion(WAIT_S * 1000);
        return q;
    }

    private static List<Got> take(BlockingQueue<Got> q, int n) throws InterruptedException {
        List<Got> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Got g = q.poll(WAIT_S, TimeUnit.SECONDS);
            assertThat(g).as("message %d of %d (got %s)", i + 1, n, out).isNotNull();
            out.add(g);
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean onPath(String exe) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> new File(d, exe).canExecute());
    }
}
