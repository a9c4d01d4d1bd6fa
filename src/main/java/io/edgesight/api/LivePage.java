package io.edgesight.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.apache.camel.Exchange;

/** The live page ({@code GET /}): one self-contained HTML file (no external scripts, styles or fonts). */
public class LivePage {
    public static final String BEAN = "page";
    private final byte[] html;

    public LivePage() {
        try (InputStream in = LivePage.class.getResourceAsStream("/web/index.html")) {
            if (in == null) throw new IllegalStateException("web/index.html missing from the jar");
            html = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] index(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        return html;
    }
}
