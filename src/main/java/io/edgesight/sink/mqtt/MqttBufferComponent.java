package io.edgesight.sink.mqtt;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mqtt-buffer:<name>}: a bounded drop-oldest outbox in front of the MQTT producer, so publishing never
 * stalls inference.
 * <ul>
 *   <li>{@code to: mqtt-buffer:outbox} copies the message (body as bytes, headers) into the buffer and returns at
 *       once. When the buffer is full the oldest messages are dropped and counted.</li>
 *   <li>{@code from: mqtt-buffer:outbox} delivers the buffered messages one by one, oldest first, on one thread, to
 *       its route (which ends in {@code paho-mqtt5:}). A message whose route fails (broker unreachable) stays at
 *       the head and is retried with backoff up to {@code retryMaxDelay}, so QoS 1 and 2 messages are delivered
 *       in order after a reconnect. A failed QoS 0 message is given up at once (at most once).</li>
 *   <li>On shutdown the consumer keeps delivering for up to {@code drainTimeout} ms.</li>
 * </ul>
 * The consuming route should use {@code errorHandler: noErrorHandler} so a failure comes back here instead of
 * being logged per attempt; the buffer logs drops once per {@code logInterval}.
 */
@Component("mqtt-buffer")
public class MqttBufferComponent extends DefaultComponent {
    /** Header with the message's QoS (the paho-mqtt5 component's own). */
    public static final String QOS = "CamelPahoMqtt5Qos";

    private final Map<String, OutboundBuffer> buffers = new ConcurrentHashMap<>();
    @Metadata(defaultValue = "1000", description = "Messages a buffer holds at most; beyond it the oldest are dropped")
    private int size = 1000;
    @Metadata(defaultValue = "16777216", description = "Bytes a buffer holds at most (0 = no byte bound)")
    private long maxBytes = 16L * 1024 * 1024;
    @Metadata(defaultValue = "10000", description = "Dropped messages are logged at most once per interval (ms)")
    private long logInterval = 10_000;
    @Metadata(defaultValue = "1", description = "QoS of messages without a CamelPahoMqtt5Qos header (edgesight.mqtt.qos)")
    private int qos = 1;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MqttBufferEndpoint e = new MqttBufferEndpoint(uri, this, remaining);
        setProperties(e, parameters);
        return e;
    }

    /** The buffer of that name, with the component's bounds (camel.component.mqtt-buffer.size / max-bytes). */
    OutboundBuffer buffer(MqttBufferEndpoint e) {
        return buffers.computeIfAbsent(e.getName(), n -> new OutboundBuffer(n, size, maxBytes, logInterval));
    }

    public int getSize() { return size; }
    public void setSize(int size) { this.size = size; }
    public long getMaxBytes() { return maxBytes; }
    public void setMaxBytes(long maxBytes) { this.maxBytes = maxBytes; }
    public long getLogInterval() { return logInterval; }
    public void setLogInterval(long logInterval) { this.logInterval = logInterval; }
    public int getQos() { return qos; }
    public void setQos(int qos) { this.qos = qos; }

    /** Every buffer, for statistics and metrics. */
    public Map<String, OutboundBuffer> buffers() { return Map.copyOf(buffers); }

    public static Map<String, OutboundBuffer> buffers(CamelContext context) {
        MqttBufferComponent c = context.hasComponent("mqtt-buffer") instanceof MqttBufferComponent m ? m : null;
        return c == null ? Map.of() : c.buffers();
    }

    @UriEndpoint(firstVersion = "0.1.0", scheme = "mqtt-buffer", title = "MQTT outbound buffer", syntax = "mqtt-buffer:name",
            category = {Category.MESSAGING, Category.IOT})
    public static class MqttBufferEndpoint extends DefaultEndpoint {
        @UriPath(description = "Buffer name, shared by the producers and the one consumer")
        @Metadata(required = true)
        private final String name;
        @UriParam(description = "QoS of messages without a CamelPahoMqtt5Qos header; default: the component's")
        private Integer qos;
        @UriParam(defaultValue = "100", description = "First retry delay (ms) of a message that failed; doubles per attempt")
        private long retryDelay = 100;
        @UriParam(defaultValue = "1000", description = "Longest retry delay (ms)")
        private long retryMaxDelay = 1000;
        @UriParam(defaultValue = "5000", description = "On shutdown, keep delivering for up to this long (ms)")
        private long drainTimeout = 5000;

        MqttBufferEndpoint(String uri, MqttBufferComponent component, String name) {
            super(uri, component);
            this.name = name;
        }

        @Override
        public MqttBufferComponent getComponent() { return (MqttBufferComponent) super.getComponent(); }

        public OutboundBuffer buffer() { return getComponent().buffer(this); }

        @Override
        public Producer createProducer() {
            OutboundBuffer buffer = buffer();
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    byte[] body = exchange.getMessage().getBody(byte[].class);
                    if (body == null) {
                        Object o = exchange.getMessage().getBody();
                        body = o == null ? new byte[0] : o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    }
                    Map<String, Object> headers = new HashMap<>(exchange.getMessage().getHeaders());
                    Integer q = exchange.getMessage().getHeader(QOS, Integer.class);
                    int messageQos = q != null ? q : qos != null ? qos : getComponent().getQos();
                    headers.put(QOS, messageQos);
                    buffer.offer(new OutboundBuffer.Entry(body, headers, messageQos, System.nanoTime()));
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            Consumer c = new BufferConsumer(this, processor);
            configureConsumer(c);
            return c;
        }

        public String getName() { return name; }
        public Integer getQos() { return qos; }
        public void setQos(Integer qos) { this.qos = qos; }
        public long getRetryDelay() { return retryDelay; }
        public void setRetryDelay(long retryDelay) { this.retryDelay = retryDelay; }
        public long getRetryMaxDelay() { return retryMaxDelay; }
        public void setRetryMaxDelay(long retryMaxDelay) { this.retryMaxDelay = retryMaxDelay; }
        public long getDrainTimeout() { return drainTimeout; }
        public void setDrainTimeout(long drainTimeout) { this.drainTimeout = drainTimeout; }
    }

    /** Delivers the buffer head-first on one thread; a failed QoS >= 1 message is retried until it goes or is dropped. */
    static final class BufferConsumer extends DefaultConsumer {
        private static final Logger LOG = LoggerFactory.getLogger(BufferConsumer.class);
        private final MqttBufferEndpoint endpoint;
        private final OutboundBuffer buffer;
        private ExecutorService executor;
        private volatile boolean running;
        private volatile long drainDeadline = Long.MAX_VALUE;
        private boolean failing;
        private long failingSinceNanos;

        BufferConsumer(MqttBufferEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
            this.endpoint = endpoint;
            this.buffer = endpoint.buffer();
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            running = true;
            drainDeadline = Long.MAX_VALUE;
            executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                    .newSingleThreadExecutor(this, "mqtt-buffer-" + endpoint.getName());
            executor.submit(this::loop);
        }

        private void loop() {
            long delay = endpoint.getRetryDelay();
            try {
                while (true) {
                    if (!running && (buffer.depth() == 0 || System.nanoTime() > drainDeadline)) break;
                    OutboundBuffer.Entry e = buffer.peek(200);
                    buffer.logDropsIfDue();
                    if (e == null) continue;
                    Exception error = deliver(e);
                    if (error == null) {
                        buffer.remove(e, true);
                        delay = endpoint.getRetryDelay();
                        if (failing) {
                            failing = false;
                            LOG.info("MQTT delivery works again after {} s; {} message(s) waiting", 
                                    (System.nanoTime() - failingSinceNanos) / 1_000_000_000, buffer.depth());
                        }
                        continue;
                    }
                    if (!failing) {
                        failing = true;
                        failingSinceNanos = System.nanoTime();
                        LOG.warn("MQTT delivery failed ({}); keeping QoS 1/2 messages in the outbound buffer (at most {}) and retrying",
                                rootMessage(error), buffer.capacity());
                    }
                    if (e.qos() == 0) {
                        buffer.remove(e, false); // at most once: not retried
                        continue;
                    }
                    if (!running && System.nanoTime() > drainDeadline) break;
                    Thread.sleep(delay);
                    delay = Math.min(endpoint.getRetryMaxDelay(), delay * 2);
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            int left = buffer.depth();
            if (left > 0) LOG.warn("MQTT outbound buffer '{}': {} message(s) not delivered at shutdown", endpoint.getName(), left);
        }

        /** Runs the route for one buffered message; returns its failure, or null. */
        private Exception deliver(OutboundBuffer.Entry e) {
            Exchange exchange = createExchange(false);
            try {
                exchange.getMessage().setHeaders(new HashMap<>(e.headers()));
                exchange.getMessage().setBody(e.body());
                getProcessor().process(exchange);
                return exchange.getException();
            } catch (Exception ex) {
                return ex;
            } finally {
                releaseExchange(exchange, false);
            }
        }

        private static String rootMessage(Throwable t) {
            Throwable c = t;
            while (c.getCause() != null && c.getCause() != c) c = c.getCause();
            return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        }

        @Override
        protected void doStop() throws Exception {
            drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(endpoint.getDrainTimeout());
            running = false;
            if (executor != null) {
                executor.shutdown();
                if (!executor.awaitTermination(endpoint.getDrainTimeout() + 2000, TimeUnit.MILLISECONDS)) executor.shutdownNow();
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
                executor = null;
            }
            super.doStop();
        }
    }
}
