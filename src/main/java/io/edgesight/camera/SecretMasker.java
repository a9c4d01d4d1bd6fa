package io.edgesight.camera;

import java.util.regex.Pattern;

/** Masks credentials in camera URLs (rtsp://user:pass@host) before they reach logs, errors or APIs. */
public final class SecretMasker {
    private static final Pattern USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");
    private static final Pattern QUERY_SECRET =
            Pattern.compile("(?i)((?:password|passwd|pwd|token|secret|key)=)[^&\\s]+");

    private SecretMasker() {}

    public static String mask(String text) {
        if (text == null) return null;
        String s = USERINFO.matcher(text).replaceAll("***@");
        return QUERY_SECRET.matcher(s).replaceAll("$1***");
    }
}
