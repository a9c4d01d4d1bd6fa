package io.edgesight.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A real MQTT 5 subscriber that keeps every message it receives, in arrival order. */
public final class MqttCollector implements AutoCloseable {
    public record Received(String topic, String payload, boolean retained, byte[] bytes) {
        public Received(String topic, String payload) { this(topic, payload, false, payload.getBytes(StandardCharsets.UTF_8)); }
    }

    private final MqttClient client;
    private final List<Received> messages = new CopyOnWriteArrayList<>();

    public MqttCollector(String url, String filter) throws MqttException {
        this(url, filter, false);
    }

    /**
     * {@code persistent}: a session that outlives the connection (clean start off, 1 h expiry) and reconnects by
     * itself, so QoS 1 messages published while it is away (broker restart) are delivered when it is back.
     */
    public MqttCollector(String url, String filter, boolean persistent) throws MqttException {
        this(url, filter, persistent, null, null);
    }

    /** A collector that logs in (a broker that requires credentials). */
    public MqttCollector(String url, String filter, String username, String password) throws MqttException {
        this(url, filter, false, username, password);
    }

    private MqttCollector(String url, String filter, boolean persistent, String username, String password) throws MqttException {
        client = new MqttClient(url, "test-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override public void disconnected(MqttDisconnectResponse r) {}
            @Override public void mqttErrorOccurred(MqttException e) {}
            @Override public void messageArrived(String topic, MqttMessage m) {
                messages.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.isRetained(), m.getPayload()));
            }
            @Override public void deliveryComplete(IMqttToken t) {}
            @Override public void connectComplete(boolean reconnect, String uri) {}
            @Override public void authPacketArrived(int reason, MqttProperties p) {}
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(!persistent);
        if (username != null) {
            o.setUserName(username);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        if (persistent) {
            o.setSessionExpiryInterval(3600L);
            o.setAutomaticReconnect(true);
            o.setAutomaticReconnectDelay(1, 1);
        }
        client.connect(o);
        client.subscribe(filter, 1);
    }

    public List<Received> messages() { return messages; }

    /** The {@code status} field of every message on {@code edgesight/<camera>/status}, in arrival order. */
    /** The highest reconnect attempt the camera's status messages have reported (0: none yet). */
    public int attempts(String camera) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return messages.stream().filter(m -> m.topic().equals("edgesight/" + camera + "/status")).mapToInt(m -> {
            try {
                return json.readTree(m.payload()).path("attempt").asInt(0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).max().orElse(0);
    }

    public List<String> statuses(String camera) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return messages.stream().filter(m -> m.topic().equals("edgesight/" + camera + "/status")).map(m -> {
            try {
                return json.readTree(m.payload()).get("status").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) client.disconnect();
        client.close();
    }
}
