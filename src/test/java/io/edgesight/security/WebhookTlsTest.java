package io.edgesight.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpsServer;
import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.sink.WebhookTls;
import io.edgesight.testing.AppRunner;
import io.edgesight.testing.Ports;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An https webhook whose certificate a CA of the user's own signed: with edgesight.webhook.tls.trust-store holding
 * that CA, the real app delivers predictions to it over TLS (the untrusted case is in PlantedSecretTest, which sends
 * to the same kind of server without the trust store). A wrong trust-store password stops the start with one line.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class WebhookTlsTest {

    @Test
    void predictionsReachAnHttpsWebhookSignedByTheConfiguredCa(@TempDir Path tmp) throws Exception {
        TestCa ca = TestCa.shared();
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpsServer hook = ca.https("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        try (AppRunner app = new AppRunner(Path.of("routes"), tmp.resolve("out"), Map.of(
                "edgesight.cameras.sample.url", "target/test-video/shapes.mp4",
                "edgesight.engine.dir", "target/test-engines",
                "edgesight.mqtt.embedded.port", Integer.toString(Ports.free()),
                "edgesight.webhook.url", "https://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
                "edgesight.webhook.tls.trust-store", ca.trustStore.toString(),
                "edgesight.webhook.tls.trust-store-password", TestCa.PASSWORD))) {
            Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> bodies.size() >= 3 || !app.running());
            assertThat(app.failure()).isNull();
            assertThat(bodies).hasSizeGreaterThanOrEqualTo(3);
            assertThat(bodies.get(0)).contains("\"camera\":\"sample\"");
        } finally {
            hook.stop(0);
        }
        System.out.printf("webhook over TLS: %d predictions delivered to https://127.0.0.1 (test CA)%n", bodies.size());
    }

    @Test
    void aWrongTrustStorePasswordStopsTheStartWithOneLine(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("trust.p12");
        java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (var out = java.nio.file.Files.newOutputStream(store)) {
            empty.store(out, "right".toCharArray());
        }
        // what EdgesightApp does with these keys at start-up, before any camera or engine
        Map<String, String> conf = Map.of("edgesight.webhook.tls.trust-store", store.toString(),
                "edgesight.webhook.tls.trust-store-password", "wrong");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebhookTls.from(new Settings(conf::get))).isInstanceOf(UserError.class)
                .hasMessageStartingWith("edgesight.webhook.tls.trust-store-password: wrong password for " + store.toAbsolutePath());
    }
}
