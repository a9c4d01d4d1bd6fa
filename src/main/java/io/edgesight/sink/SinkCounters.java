package io.edgesight.sink;

import java.util.Map;

import io.edgesight.sink.mqtt.MqttBufferComponent;
import io.edgesight.sink.mqtt.MqttConnection;
import io.edgesight.sink.mqtt.OutboundBuffer;
import io.edgesight.stats.OutputCounters;
import org.apache.camel.CamelContext;

/** The output stage's counters for the statistics, read from the beans of the Camel registry when asked. */
public final class SinkCounters implements OutputCounters {
    private final CamelContext context;

    public SinkCounters(CamelContext context) {
        this.context = context;
    }

    private Map<String, OutboundBuffer> buffers() { return MqttBufferComponent.buffers(context); }

    @Override
    public boolean mqttConnected() {
        MqttConnection c = context.getRegistry().lookupByNameAndType(MqttConnection.BEAN, MqttConnection.class);
        return c != null && c.isConnected();
    }

    @Override
    public long mqttBufferDepth() { return buffers().values().stream().mapToLong(OutboundBuffer::depth).sum(); }

    @Override
    public long mqttBufferDropped() { return buffers().values().stream().mapToLong(OutboundBuffer::dropped).sum(); }

    @Override
    public long mqttDelivered() { return buffers().values().stream().mapToLong(OutboundBuffer::delivered).sum(); }

    @Override
    public long[] kafka() {
        Map<String, OutboundBuffer> b = io.edgesight.sink.kafka.KafkaBufferComponent.buffers(context);
        if (b.isEmpty()) return null;
        return new long[] {b.values().stream().mapToLong(OutboundBuffer::depth).sum(),
                b.values().stream().mapToLong(OutboundBuffer::dropped).sum(),
                b.values().stream().mapToLong(OutboundBuffer::delivered).sum()};
    }

    @Override
    public long fileWriteErrors() {
        JsonLinesRotation jsonl = context.getRegistry().lookupByNameAndType(JsonLinesRotation.BEAN, JsonLinesRotation.class);
        return jsonl == null ? 0 : jsonl.writeErrors();
    }

    @Override
    public Map<String, Object> frameCost() {
        FrameStore frames = context.getRegistry().lookupByNameAndType(FrameStore.BEAN, FrameStore.class);
        return frames == null ? null : frames.cost();
    }
}
