package io.edgesight.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.edgesight.app.EdgesightApp;
import io.edgesight.config.UserError;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.testing.Ports;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker listens on loopback unless told otherwise (PlantedSecretTest checks the default from outside);
 * bound to an address other machines reach, it refuses to start without a username and password, and with them it
 * refuses anonymous clients and accepts the configured one, over that address.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class BrokerExposureTest {

    @Test
    void anExposedBrokerWithoutCredentialsStopsTheStartWithOneLine() {
        Map<String, String> o = Map.of("edgesight.mqtt.embedded.host", "0.0.0.0", "edgesight.mqtt.embedded.port",
                Integer.toString(Ports.free()), "edgesight.sample.video", "");
        EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(Path.of("config/application.properties"), Path.of("routes"), 0, 5, o));
        assertThatThrownBy(app::run).isInstanceOf(UserError.class).hasMessage("edgesight.mqtt.embedded.host is 0.0.0.0, reachable from"
                + " other machines: set edgesight.mqtt.username and edgesight.mqtt.password so that MQTT clients must log in,"
                + " or keep the embedded broker on 127.0.0.1");
        assertThatThrownBy(() -> EmbeddedMqttBroker.start("0.0.0.0", 0, "edge", " ")).isInstanceOf(UserError.class)
                .hasMessageContaining("set edgesight.mqtt.username and edgesight.mqtt.password");
    }

    @Test
    void anExposedBrokerWithCredentialsRefusesAnonymousClientsFromOutside() throws Exception {
        InetAddress outside = Network.nonLoopbackAddress().orElse(null);
        assumeTrue(outside != null, "this machine has no non-loopback IPv4 address");
        try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start(outside.getHostAddress(), 0, "edge", "broker-pw")) {
            String url = "tcp://" + outside.getHostAddress() + ":" + broker.port();
            assertThat(connects(url, null, null)).as("anonymous").isFalse();
            assertThat(connects(url, "edge", "wrong")).as("wrong password").isFalse();
            assertThat(connects(url, "edge", "broker-pw")).as("the configured user").isTrue();
            assertThat(Network.accepts(InetAddress.getLoopbackAddress(), broker.port())).as("bound to that address only").isFalse();
        }
    }

    static boolean connects(String url, String user, String password) throws MqttException {
        MqttClient c = new MqttClient(url, "exposure-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setConnectionTimeout(5);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        try {
            c.connect(o);
            c.disconnect();
            return true;
        } catch (MqttException e) {
            return false;
        } finally {
            c.close(true);
        }
    }
}
