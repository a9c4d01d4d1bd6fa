package io.edgesight.sink.kafka;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.edgesight.sink.mqtt.OutboundBuffer;
import org.apache.camel.CamelContext;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * {@code kafka-buffer:<name>}: the bounded drop-oldest outbox in front of the {@code kafka:} producer (the MQTT
 * outbox's {@link OutboundBuffer} and policy), so that a Kafka outage never stalls the pipeline.
 * <ul>
 *   <li>{@code to: kafka-buffer:records} copies the body (bytes), the record key and topic ({@code kafka.KEY},
 *       {@code kafka.OVERRIDE_TOPIC}) and the record headers named in {@code recordHeaders} into the buffer and
 *       returns at once; nothing else of the exchange travels. When the output is disabled it does nothing.</li>
 *   <li>{@code from: kafka-buffer:records} hands the records, oldest first, to its route (which ends in
 *       {@code kafka:}) with up to {@code window} records in the producer at once ({@link KafkaDelivery}).</li>
 * </ul>
 */
@Component("kafka-buffer")
public class KafkaBufferComponent extends DefaultComponent {
    private final Map<String, OutboundBuffer> buffers = new ConcurrentHashMap<>();
    @Metadata(defaultValue = "false", description = "Whether the Kafka output is on (edgesight.kafka.enabled); when off, producers put nothing into the buffer")
    private boolean publish;
    @Metadata(defaultValue = "10000", description = "Records a buffer holds at most; beyond it the oldest are dropped")
    private int size = 10_000;
    @Metadata(defaultValue = "67108864", description = "Bytes a buffer holds at most (0 = no byte bound)")
    private long maxBytes = 64L * 1024 * 1024;
    @Metadata(defaultValue = "10000", description = "Dropped records are logged at most once per interval (ms)")
    private long logInterval = 10_000;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        KafkaBufferEndpoint e = new KafkaBufferEndpoint(uri, this, remaining);
        setProperties(e, parameters);
        return e;
    }

    OutboundBuffer buffer(String name) {
        return buffers.computeIfAbsent(name, n -> new OutboundBuffer(n, "Kafka",
                "are the Kafka brokers (edgesight.kafka.brokers) reachable?", size, maxBytes, logInterval));
    }

    public boolean isPublish() { return publish; }
    public void setPublish(boolean publish) { this.publish = publish; }
    public int getSize() { return size; }
    public void setSize(int size) { this.size = size; }
    public long getMaxBytes() { return maxBytes; }
    public void setMaxBytes(long maxBytes) { this.maxBytes = maxBytes; }
    public long getLogInterval() { return logInterval; }
    public void setLogInterval(long logInterval) { this.logInterval = logInterval; }

    /** Every buffer, for statistics and metrics. */
    public Map<String, OutboundBuffer> buffers() { return Map.copyOf(buffers); }

    public static Map<String, OutboundBuffer> buffers(CamelContext context) {
        return context.hasComponent("kafka-buffer") instanceof KafkaBufferComponent k && k.isPublish() ? k.buffers() : Map.of();
    }

    @UriEndpoint(firstVersion = "0.1.0", scheme = "kafka-buffer", title = "Kafka outbound buffer", syntax = "kafka-buffer:name",
            category = {Category.MESSAGING})
    public static class KafkaBufferEndpoint extends DefaultEndpoint {
        @UriPath(description = "Buffer name, shared by the producers and the one consumer")
        @Metadata(required = true)
        private final String name;
        @UriParam(defaultValue = "camera,model,node,schema", description = "Headers that travel as Kafka record headers")
        private String recordHeaders = "camera,model,node,schema";
        @UriParam(defaultValue = "500", description = "Records handed to the Kafka producer and not yet acknowledged, at most")
        private int window = 500;
        @UriParam(defaultValue = "100", description = "First wait (ms) before records the producer gave up on are sent again; doubles per attempt")
        private long retryDelay = 100;
        @UriParam(defaultValue = "5000", description = "Longest wait (ms) between attempts")
        private long retryMaxDelay = 5000;
        @UriParam(defaultValue = "5000", description = "On shutdown, keep delivering for up to this long (ms)")
        private long drainTimeout = 5000;

        KafkaBufferEndpoint(String uri, KafkaBufferComponent component, String name) {
            super(uri, component);
            this.name = name;
        }

        @Override
        public KafkaBufferComponent getComponent() { return (KafkaBufferComponent) super.getComponent(); }

        public OutboundBuffer buffer() { return getComponent().buffer(name); }

        @Override
        public Producer createProducer() {
            List<String> names = List.of(recordHeaders.split("\\s*,\\s*"));
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    if (!getComponent().isPublish()) return;
                    var msg = exchange.getMessage();
                    byte[] body = msg.getBody(byte[].class);
                    if (body == null) {
                        Object o = msg.getBody();
                        body = o == null ? new byte[0] : o.toString().getBytes(StandardCharsets.UTF_8);
                    }
                    Map<String, Object> headers = new HashMap<>();
                    for (String h : List.of(KafkaConstants.KEY, KafkaConstants.OVERRIDE_TOPIC)) {
                        String v = msg.getHeader(h, String.class);
                        if (v != null) headers.put(h, v);
                    }
                    for (String h : names) {
                        String v = msg.getHeader(h, String.class);
                        if (v != null) headers.put(h, v);
                    }
                    buffer().offer(new OutboundBuffer.Entry(body, headers, 1, System.nanoTime()));
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            Consumer c = new KafkaDelivery(this, processor);
            configureConsumer(c);
            return c;
        }

        public String getName() { return name; }
        public String getRecordHeaders() { return recordHeaders; }
        public void setRecordHeaders(String recordHeaders) { this.recordHeaders = recordHeaders; }
        public int getWindow() { return window; }
        public void setWindow(int window) { this.window = window; }
        public long getRetryDelay() { return retryDelay; }
        public void setRetryDelay(long retryDelay) { this.retryDelay = retryDelay; }
        public long getRetryMaxDelay() { return retryMaxDelay; }
        public void setRetryMaxDelay(long retryMaxDelay) { this.retryMaxDelay = retryMaxDelay; }
        public long getDrainTimeout() { return drainTimeout; }
        public void setDrainTimeout(long drainTimeout) { this.drainTimeout = drainTimeout; }
    }
}
