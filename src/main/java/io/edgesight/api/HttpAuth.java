package io.edgesight.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import org.apache.camel.Exchange;

/**
 * Optional authentication of the HTTP API and live page, as the first step of each HTTP route:
 * {@code none} (default), {@code basic} (username + password) or {@code bearer} (a token, in the
 * {@code Authorization: Bearer} header or, for a browser opening the page, the {@code token} query parameter).
 * Without valid credentials the route stops with 401 and a {@code WWW-Authenticate} challenge.
 */
public class HttpAuth {
    public static final String BEAN = "auth";

    private final String mode;
    private final byte[] expectedBasic;
    private final byte[] token;

    public HttpAuth(Settings s) {
        mode = s.string("edgesight.http.auth").toLowerCase(Locale.ROOT);
        switch (mode) {
            case "none" -> {
                expectedBasic = null;
                token = null;
            }
            case "basic" -> {
                String user = s.required("edgesight.http.username");
                String password = s.required("edgesight.http.password");
                expectedBasic = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
                token = null;
            }
            case "bearer" -> {
                expectedBasic = null;
                token = s.required("edgesight.http.token").getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new UserError("edgesight.http.auth must be none, basic or bearer, got '" + mode + "'");
        }
    }

    public String mode() { return mode; }

    /** Route step: lets the request through, or answers 401 and stops the route. */
    public void check(Exchange exchange) {
        if (mode.equals("none")) return;
        if (allowed(exchange)) {
            // platform-http answers with the exchange's headers: the credentials must not be echoed back
            exchange.getMessage().removeHeader("Authorization");
            exchange.getMessage().removeHeader("token");
            return;
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
        exchange.getMessage().setHeader("WWW-Authenticate", mode.equals("basic") ? "Basic realm=\"edgesight\", charset=\"UTF-8\"" : "Bearer realm=\"edgesight\"");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody("{\"error\":\"authentication required (" + mode + ")\"}");
        exchange.setRouteStop(true);
    }

    private boolean allowed(Exchange exchange) {
        String h = exchange.getMessage().getHeader("Authorization", String.class);
        if (mode.equals("basic")) {
            if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) return false;
            byte[] given;
            try {
                given = Base64.getDecoder().decode(h.substring(6).trim());
            } catch (IllegalArgumentException e) {
                return false;
            }
            return MessageDigest.isEqual(expectedBasic, given);
        }
        String given = null;
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) given = h.substring(7).trim();
        if (given == null) given = exchange.getMessage().getHeader("token", String.class); // ?token= (the page in a browser)
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }
}
