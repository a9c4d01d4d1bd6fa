package io.edgesight.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A certificate authority made for one test with the JDK's keytool (no other tool needed): a CA, a server
 * certificate for 127.0.0.1 signed by it (server.p12, with the chain) and a trust store holding only the CA.
 */
final class TestCa {
    static final String PASSWORD = "test-ca-pw";
    final Path dir;
    final Path serverStore;
    final Path trustStore;

    private TestCa(Path dir) {
        this.dir = dir;
        this.serverStore = dir.resolve("server.p12");
        this.trustStore = dir.resolve("trust.p12");
    }

    private static TestCa shared;

    /** One CA per test JVM (keytool runs cost seconds each on a busy machine), in target/. */
    static synchronized TestCa shared() throws Exception {
        if (shared == null) shared = create(Path.of("target/test-ca/" + ProcessHandle.current().pid()));
        return shared;
    }

    private static TestCa create(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestCa ca = new TestCa(dir);
        ca.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=edgesight test CA", "-ext", "bc:c", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", "ca.p12", "-storepass", PASSWORD);
        ca.keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", "server.p12", "-storepass", PASSWORD);
        ca.keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass", PASSWORD, "-file", "server.csr");
        ca.keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", "server.csr",
                "-outfile", "server.crt", "-ext", "san=ip:127.0.0.1", "-validity", "2");
        // the CA certificate in-process: the trust store, and the chain the server certificate is imported with
        X509Certificate caCert = (X509Certificate) load(dir.resolve("ca.p12")).getCertificate("ca");
        String caPem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(caCert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        Files.writeString(dir.resolve("chain.pem"), Files.readString(dir.resolve("server.crt")) + caPem);
        ca.keytool("-importcert", "-noprompt", "-alias", "server", "-file", "chain.pem", "-keystore", "server.p12", "-storepass", PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", caCert);
        try (OutputStream out = Files.newOutputStream(ca.trustStore)) {
            trust.store(out, PASSWORD.toCharArray());
        }
        return ca;
    }

    static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    /** An HTTPS server on 127.0.0.1 presenting the CA-signed certificate. */
    HttpsServer https(String path, HttpHandler handler) throws Exception {
        KeyStore store = load(serverStore);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext(path, handler);
        server.start();
        return server;
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }
}
