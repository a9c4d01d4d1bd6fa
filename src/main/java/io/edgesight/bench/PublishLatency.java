package io.edgesight.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Capture -> MQTT latency as a subscriber sees it: an MQTT 5 client on the broker the pipeline publishes to,
 * taking each prediction's {@code captureTime} (the camera's wall clock at capture, same process and clock)
 * from its arrival time. Millisecond resolution, as the payload's captureTime has.
 */
final class PublishLatency implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One prediction received: arrival (epoch ms), capture -> arrival (ms), the fill of its batch, its camera. */
    record Sample(long arrivedMillis, long latencyMillis, int batchFill, String camera) {}

    private final MqttClient client;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();

    PublishLatency(String brokerUrl, String filter) throws MqttException {
        client = new MqttClient(brokerUrl, "edgesight-bench-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override public void disconnected(MqttDisconnectResponse r) {}
            @Override public void mqttErrorOccurred(MqttException e) {}
            @Override public void messageArrived(String topic, MqttMessage m) {
                long now = System.currentTimeMillis();
                try {
                    JsonNode p = JSON.readTree(new String(m.getPayload(), StandardCharsets.UTF_8));
                    long captured = Instant.parse(p.get("captureTime").asText()).toEpochMilli();
                    samples.add(new Sample(now, now - captured, p.path("batch").path("fill").asInt(), p.path("camera").asText()));
                } catch (Exception e) {
                    // not a prediction: ignored
                }
            }
            @Override public void deliveryComplete(IMqttToken t) {}
            @Override public void connectComplete(boolean reconnect, String uri) {}
            @Override public void authPacketArrived(int reason, MqttProperties p) {}
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        client.connect(o);
        client.subscribe(filter, 1);
    }

    /** Predictions that arrived in [from, to) epoch ms. */
    List<Sample> between(long fromMillis, long toMillis) {
        return samples.stream().filter(s -> s.arrivedMillis() >= fromMillis && s.arrivedMillis() < toMillis).toList();
    }

    int received() {
        return samples.size();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) client.disconnect();
            client.close();
        } catch (MqttException e) {
            // closing a bench subscriber: nothing to do
        }
    }
}
