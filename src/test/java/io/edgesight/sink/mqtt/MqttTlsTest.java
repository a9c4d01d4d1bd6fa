package io.edgesight.sink.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.edgesight.testing.Mosquitto;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * TLS to a real Mosquitto that requires client certificates: a CA, a server certificate for 127.0.0.1 and a
 * client certificate made with openssl; edgesight's trust store (PKCS12) and key store (PKCS12 with the client
 * key). With both it connects; without the client certificate the broker refuses it.
 */
class MqttTlsTest {
    static final Path OPENSSL = Path.of("/usr/bin/openssl");

    static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    @Test
    void trustStoreAndClientCertificate() throws Exception {
        Mosquitto.require();
        if (System.getenv("CI") != null) assertThat(OPENSSL).as("CI must have openssl (.ci/run installs it)").isExecutable();
        io.edgesight.testing.Tools.require(OPENSSL, "openssl");
        Path dir = Files.createDirectories(Path.of("target/mqtt-tls-" + System.nanoTime()));
        String o = OPENSSL.toString();
        String ec = "-pkeyopt";
        run(dir, o, "req", "-x509", "-newkey", "ec", ec, "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
                "-out", "ca.crt", "-subj", "/CN=edgesight test CA", "-days", "2");
        for (String who : List.of("server", "client")) {
            run(dir, o, "req", "-newkey", "ec", ec, "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", who + ".key",
                    "-out", who + ".csr", "-subj", "/CN=" + (who.equals("server") ? "127.0.0.1" : "edgesight"));
            Files.writeString(dir.resolve(who + ".ext"), who.equals("server") ? "subjectAltName=IP:127.0.0.1\n" : "extendedKeyUsage=clientAuth\n");
            run(dir, o, "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who + ".crt", "-days", "2", "-extfile", who + ".ext");
        }
        run(dir, o, "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-name", "client",
                "-out", "client.p12", "-passout", "pass:client-pw");
        run(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "ca", "-file", "ca.crt", "-storetype", "PKCS12", "-keystore", "trust.p12", "-storepass", "trust-pw");

        List<String> tls = List.of("cafile " + dir.resolve("ca.crt").toAbsolutePath(),
                "certfile " + dir.resolve("server.crt").toAbsolutePath(),
                "keyfile " + dir.resolve("server.key").toAbsolutePath(),
                "require_certificate true");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"), tls)) {
            String url = "ssl://127.0.0.1:" + broker.port();
            MqttConnection withCert = MqttConnection.create(new MqttConnection.Options(url, "tls-with-cert", null, null, "t", 30, 500,
                    dir.resolve("trust.p12"), "trust-pw", dir.resolve("client.p12"), "client-pw", true));
            MqttConnection withoutCert = MqttConnection.create(new MqttConnection.Options(url, "tls-without-cert", null, null, "t", 30,
                    500, dir.resolve("trust.p12"), "trust-pw", null, null, true));
            try {
                withCert.start(10_000);
                withoutCert.start(3000);
                assertThat(withCert.isConnected()).as("trust store + client certificate").isTrue();
                withCert.client().publish("t/x", "over TLS".getBytes(StandardCharsets.UTF_8), 1, false);
                assertThat(withoutCert.isConnected()).as("no client certificate: refused").isFalse();
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> broker.log().contains("tls-with-cert"));
            } finally {
                withCert.close();
                withoutCert.close();
            }
        }
    }
}
