package io.edgesight.config;

import java.util.regex.Pattern;

/**
 * Masks credentials in camera URLs (rtsp://user:pass@host) before they reach logs, errors or APIs. Also masks
 * the percent-encoded form Camel uses when it builds an endpoint URI from YAML parameters
 * ({@code url=rtsp%3A%2F%2Fuser%3Apass%40host}) and {@code user-id=/password=} style query parameters.
 */
public final class SecretMasker {
    private static final Pattern USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");
    /** {@code %3A%2F%2Fuser%3Apass%40} (and double-encoded %253A%252F%252F...%2540). */
    private static final Pattern ENCODED_USERINFO =
            Pattern.compile("(?i)((?:%3A|%253A)(?:%2F|%252F)(?:%2F|%252F))(?:(?!%2F|%252F|[/&\\s]).)+?(%40|%2540)");
    private static final Pattern QUERY_SECRET =
            Pattern.compile("(?i)((?:password|passwd|pwd|token|secret|key|user-pass)(?:=|%3D))[^&\\s]+");

    private SecretMasker() {}

    public static String mask(String text) {
        if (text == null) return null;
        String s = USERINFO.matcher(text).replaceAll("***@");
        s = ENCODED_USERINFO.matcher(s).replaceAll("$1***$2");
        return QUERY_SECRET.matcher(s).replaceAll("$1***");
    }
}
