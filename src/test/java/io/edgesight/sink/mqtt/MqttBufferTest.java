package io.edgesight.sink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The outbox in front of the MQTT producer, with a stand-in for paho-mqtt5 that fails while "the broker is
 * down": producers never wait, QoS 1 messages wait and go out in order, the oldest are dropped and counted
 * beyond the bound, a failed QoS 0 message is not retried.
 */
class MqttBufferTest {

    static OutboundBuffer.Entry entry(String s) {
        return new OutboundBuffer.Entry(s.getBytes(StandardCharsets.UTF_8), Map.of(), 1, System.nanoTime());
    }

    @Test
    void dropsTheOldestBeyondItsBoundsAndCountsThem() throws Exception {
        OutboundBuffer b = new OutboundBuffer("t", 3, 0, 10_000);
        for (int i = 0; i < 5; i++) b.offer(entry("m" + i));
        assertThat(b.depth()).isEqualTo(3);
        assertThat(b.dropped()).isEqualTo(2);
        OutboundBuffer.Entry head = b.peek(0);
        assertThat(new String(head.body(), StandardCharsets.UTF_8)).isEqualTo("m2");

        // the head being sent can itself be dropped: removing it afterwards is then a no-op
        b.offer(entry("m5"));
        assertThat(b.contains(head)).isFalse();
        assertThat(b.remove(head, true)).isFalse();
        assertThat(b.delivered()).isZero();

        OutboundBuffer bytes = new OutboundBuffer("b", 100, 10, 10_000);
        bytes.offer(entry("aaaa"));
        bytes.offer(entry("bbbb"));
        bytes.offer(entry("cccc")); // 12 bytes > 10: the oldest goes
        assertThat(bytes.depth()).isEqualTo(2);
        assertThat(bytes.bytes()).isEqualTo(8);
        assertThat(bytes.dropped()).isEqualTo(1);
    }

    @Test
    void qos1MessagesWaitWhileTheBrokerIsDownAndGoOutInOrderUntilTheBound() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger attempts = new AtomicInteger();
        List<String> delivered = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = new DefaultCamelContext()) {
            MqttBufferComponent component = new MqttBufferComponent();
            component.setSize(50);
            ctx.addComponent("mqtt-buffer", component);
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-buffer:out?retryDelay=20&retryMaxDelay=50").errorHandler(noErrorHandler())
                            .process(e -> {
                                attempts.incrementAndGet();
                                if (down.get()) throw new IllegalStateException("Client is not connected (32104)");
                                delivered.add(e.getMessage().getBody(String.class));
                            });
                }
            });
            ctx.start();
            ProducerTemplate p = ctx.createProducerTemplate();
            OutboundBuffer buffer = component.buffers().get("out");

            long t0 = System.nanoTime();
            for (int i = 0; i < 80; i++) p.sendBody("mqtt-buffer:out", "m" + i);
            long sendMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(sendMillis).as("publishing never waits for the broker").isLessThan(2000);

            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> attempts.get() >= 5); // retried meanwhile
            assertThat(delivered).isEmpty();
            assertThat(buffer.depth()).isEqualTo(50);
            assertThat(buffer.dropped()).isEqualTo(30);

            down.set(false);
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> delivered.size() >= 50);
            assertThat(delivered).as("the newest 50, in order").containsExactlyElementsOf(
                    IntStream.range(30, 80).mapToObj(i -> "m" + i).toList());
            assertThat(buffer.depth()).isZero();
            assertThat(buffer.delivered()).isEqualTo(50);

            // a QoS 0 message that fails is given up at once, and the next one goes
            down.set(true);
            int before = attempts.get();
            p.sendBodyAndHeader("mqtt-buffer:out", "q0", MqttBufferComponent.QOS, 0);
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> buffer.failedQos0() == 1);
            assertThat(attempts.get() - before).isEqualTo(1);
            down.set(false);
            p.sendBody("mqtt-buffer:out", "after");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> delivered.contains("after"));
            assertThat(delivered).doesNotContain("q0");
        }
    }

    @Test
    void stopDrainsWhatCanStillBeDelivered() throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        CamelContext ctx = new DefaultCamelContext();
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-buffer:drain").errorHandler(noErrorHandler())
                        .process(e -> {
                            Thread.sleep(5);
                            delivered.add(e.getMessage().getBody(String.class));
                        });
            }
        });
        ctx.start();
        ProducerTemplate p = ctx.createProducerTemplate();
        for (int i = 0; i < 100; i++) p.sendBody("mqtt-buffer:drain", "m" + i);
        ctx.stop();
        assertThat(delivered).hasSize(100);
    }
}
