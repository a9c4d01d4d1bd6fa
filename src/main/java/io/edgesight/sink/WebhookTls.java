package io.edgesight.sink;

import java.nio.file.Path;
import java.util.Locale;

import io.edgesight.config.Settings;
import io.edgesight.sink.mqtt.MqttConnection;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * TLS of an https webhook whose certificate is signed by a CA of your own: {@code edgesight.webhook.tls.trust-store}
 * (PKCS12, or JKS by extension) holds that CA. Without it the JVM's default CAs apply. The store is opened at
 * start-up, so a missing file or a wrong password stops the start with one line instead of failing each POST.
 */
public final class WebhookTls {
    /** Bean name of the SSLContextParameters given to Camel's https component. */
    public static final String BEAN = "webhookTls";
    private static final String KEY = "edgesight.webhook.tls.trust-store";

    private WebhookTls() {}

    /** The trust settings, or null when no trust store is configured. */
    public static SSLContextParameters from(Settings s) {
        String store = s.string(KEY, null);
        if (store == null) return null;
        Path file = Path.of(store).toAbsolutePath();
        String password = s.string(KEY + "-password", null);
        MqttConnection.loadStore(file, password, KEY); // fail now, with the key's name, rather than on every POST
        KeyStoreParameters ks = new KeyStoreParameters();
        ks.setResource("file:" + file);
        ks.setPassword(password);
        ks.setType(file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(ks);
        SSLContextParameters p = new SSLContextParameters();
        p.setTrustManagers(trust);
        return p;
    }
}
