package io.edgesight.sink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.edgesight.testing.Mosquitto;
import io.edgesight.testing.MqttCollector;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The outbox and the shared connection against a real Mosquitto that goes away: QoS 1 messages wait in the
 * bounded buffer; beyond the bound the oldest are dropped and counted; after the broker is back the rest arrive
 * in order; the connection announces itself online again, and offline when closed.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class MqttOverflowTest {

    @Test
    void overflowWhileTheBrokerIsDownDropsTheOldestAndCountsThem() throws Exception {
        try (Mosquitto broker = Mosquitto.start(Path.of("target/mosquitto-overflow-" + System.nanoTime()));
             MqttCollector sub = new MqttCollector(broker.url(), "t/#", true)) {
            MqttConnection conn = MqttConnection.create(new MqttConnection.Options(broker.url(), "overflow-test", null, null, "t",
                    30, 500, null, null, null, null, true));
            conn.start(5000);
            assertThat(conn.isConnected()).isTrue();
            try (CamelContext ctx = new DefaultCamelContext()) {
                MqttBufferComponent buffers = new MqttBufferComponent();
                buffers.setSize(50);
                ctx.addComponent("mqtt-buffer", buffers);
                PahoMqtt5Component paho = new PahoMqtt5Component();
                paho.getConfiguration().setBrokerUrl(broker.url());
                paho.setClient(conn.client());
                ctx.addComponent("paho-mqtt5", paho);
                ctx.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("mqtt-buffer:out?retryMaxDelay=200").errorHandler(noErrorHandler()).to("paho-mqtt5:t/x?qos=1");
                    }
                });
                ctx.start();
                ProducerTemplate p = ctx.createProducerTemplate();
                OutboundBuffer buffer = buffers.buffers().get("out");
                for (int i = 0; i < 10; i++) p.sendBody("mqtt-buffer:out", "m" + i);
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> payloads(sub).contains("m9"));

                broker.stop();
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !conn.isConnected());
                long t0 = System.nanoTime();
                for (int i = 0; i < 120; i++) p.sendBody("mqtt-buffer:out", "n" + i);
                assertThat((System.nanoTime() - t0) / 1_000_000).as("publishing never waits").isLessThan(2000);
                assertThat(buffer.depth()).isEqualTo(50);
                assertThat(buffer.dropped()).as("the 70 oldest, counted").isEqualTo(70);
                Thread.sleep(2000); // retries meanwhile must not lose or reorder anything

                broker.restart();
                Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> payloads(sub).contains("n119"));
                List<String> after = payloads(sub).stream().filter(s -> s.startsWith("n")).distinct().toList();
                assertThat(after).containsExactlyElementsOf(IntStream.range(70, 120).mapToObj(i -> "n" + i).toList());
                assertThat(buffer.dropped()).isEqualTo(70);
                assertThat(buffer.depth()).isZero();
                // online again after the reconnect (Mosquitto sends the will when it shuts down: offline in between)
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() ->
                        availability(sub).stream().filter("online"::equals).count() >= 2);
                assertThat(availability(sub)).last().isEqualTo("online");
            } finally {
                conn.close();
            }
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> {
                List<String> a = availability(sub); // one snapshot: a message may arrive meanwhile
                return !a.isEmpty() && a.get(a.size() - 1).equals("offline");
            });
        }
    }

    static List<String> payloads(MqttCollector sub) {
        return sub.messages().stream().filter(m -> m.topic().equals("t/x")).map(MqttCollector.Received::payload).toList();
    }

    static List<String> availability(MqttCollector sub) {
        return sub.messages().stream().filter(m -> m.topic().equals("t/available")).map(MqttCollector.Received::payload).toList();
    }
}
