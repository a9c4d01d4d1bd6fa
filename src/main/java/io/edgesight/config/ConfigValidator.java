package io.edgesight.config;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks every configuration key before anything starts: edgesight.* keys against the documented set,
 * camel.* keys against camel-main's own metadata, each with a "did you mean" suggestion; and the value of every
 * documented key against its type and range ({@link ConfigKeys}). All problems are reported together, one line each.
 */
public final class ConfigValidator {

    /** edgesight.* keys; {id} stands for a model or camera id. The table with their types: {@link ConfigKeys}. */
    public static final List<String> EDGESIGHT_KEYS = ConfigKeys.edgesightNames();

    private static final Pattern ID = Pattern.compile("^edgesight\\.(models|cameras)\\.([A-Za-z0-9_-]+)\\.(.+)$");

    private ConfigValidator() {}

    /** Returns one message per bad key or value; empty when all are fine. Values are as given (file, then overrides). */
    public static List<String> validate(Map<String, String> properties, String source) {
        Set<String> camelKeys = camelMainKeys();
        List<String> errors = new ArrayList<>();
        for (String key : properties.keySet().stream().sorted().toList()) {
            if (key.startsWith("edgesight.")) {
                if (!isKnownEdgesightKey(key)) {
                    errors.add(unknown(key, source, candidates(key)));
                    continue;
                }
            }
            String problem = ConfigKeys.problem(key, properties.get(key));
            if (problem != null) {
                errors.add(problem);
                continue;
            }
            if (key.startsWith("edgesight.")) {
                continue;
            } else if (key.startsWith("camel.") && !key.startsWith("camel.component.")
                    && !key.startsWith("camel.beans.") && !key.startsWith("camel.dataformat.")
                    && !key.startsWith("camel.language.")) {
                if (!camelKeys.contains(relaxed(key))) {
                    errors.add(unknown(key, source, camelKeys.stream().map(ConfigValidator::restore).toList()));
                }
            }
        }
        return errors;
    }

    static boolean isKnownEdgesightKey(String key) {
        return EDGESIGHT_KEYS.contains(ConfigKeys.generic(key));
    }

    private static List<String> candidates(String key) {
        Matcher m = ID.matcher(key);
        String id = m.matches() ? m.group(2) : "{id}";
        return EDGESIGHT_KEYS.stream().map(k -> k.replace("{id}", id)).toList();
    }

    private static String unknown(String key, String source, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        String hint = best != null && bestDistance <= Math.max(3, key.length() / 4) ? "; did you mean " + best + "?" : "";
        return "unknown configuration key '" + ConfigKeys.shown(key) + "' in " + source + hint;
    }

    /** camel-main compares keys without dashes and case; so do we. */
    static String relaxed(String key) {
        return key.replace("-", "").toLowerCase(Locale.ROOT);
    }

    private static final Map<String, String> CAMEL_ORIGINAL = new java.util.concurrent.ConcurrentHashMap<>();

    private static String restore(String relaxedKey) {
        return CAMEL_ORIGINAL.getOrDefault(relaxedKey, relaxedKey);
    }

    private static volatile Set<String> camelKeys;

    /** camel-main's keys, read once (the metadata file is large). */
    private static Set<String> camelMainKeys() {
        Set<String> k = camelKeys;
        if (k == null) camelKeys = k = readCamelMainKeys();
        return k;
    }

    private static Set<String> readCamelMainKeys() {
        Set<String> keys = new HashSet<>();
        try (InputStream in = ConfigValidator.class.getResourceAsStream("/META-INF/camel-main-configuration-metadata.json")) {
            if (in == null) return keys;
            JsonNode root = new ObjectMapper().readTree(in);
            for (JsonNode p : root.get("properties")) {
                String name = p.get("name").asText();
                keys.add(relaxed(name));
                CAMEL_ORIGINAL.put(relaxed(name), name);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("camel-main metadata unreadable", e);
        }
        return keys;
    }

    /** Levenshtein distance, for suggestions. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The environment variable that overrides a key: upper case, dots and dashes as underscores. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
