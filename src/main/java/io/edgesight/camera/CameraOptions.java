package io.edgesight.camera;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.camel.spi.UriParam;
import org.apache.camel.util.TimeUtils;

/**
 * The options of the {@code camera:} endpoint, read from its own {@link UriParam} metadata: each option's name, the
 * configuration key it is set by ({@code readTimeoutMs} is {@code edgesight.cameras.<id>.read-timeout-ms}), its type,
 * its allowed values, its default and its description. Checking a value binds it to a scratch endpoint and runs the
 * endpoint's own validation, so configuration keys and endpoint options cannot disagree.
 */
public final class CameraOptions {

    /** One endpoint option. {@code enums} is empty when any value of the type is allowed. */
    public record Option(String name, String key, Class<?> type, List<String> enums, String defaultValue, String description) {
        /** Options in milliseconds also take Camel's units: 10s, 500ms, 1m30s. */
        public boolean duration() { return name.endsWith("Ms") && type != String.class; }
    }

    private static final Map<String, Option> BY_KEY = new LinkedHashMap<>();
    private static final Pattern DIGITS = Pattern.compile("-?\\d+");

    static {
        for (Field f : CameraEndpoint.class.getDeclaredFields()) {
            UriParam p = f.getAnnotation(UriParam.class);
            if (p == null) continue;
            List<String> enums = p.enums().isBlank() ? List.of() : Arrays.stream(p.enums().split(",")).map(String::strip).toList();
            if (enums.isEmpty() && f.getType().isEnum()) {
                enums = Arrays.stream(f.getType().getEnumConstants()).map(Object::toString).toList();
            }
            Option o = new Option(f.getName(), kebab(f.getName()), f.getType(), enums,
                    p.defaultValue().isBlank() ? null : p.defaultValue(), p.description());
            BY_KEY.put(o.key(), o);
        }
    }

    private CameraOptions() {}

    /** Every option, in the endpoint's order. */
    public static List<Option> all() { return List.copyOf(BY_KEY.values()); }

    /** The option a configuration key suffix names ({@code read-timeout-ms}), or null. */
    public static Option byKey(String suffix) { return BY_KEY.get(suffix); }

    /** {@code readTimeoutMs} -> {@code read-timeout-ms}. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /**
     * The value as the endpoint takes it: durations in milliseconds ("10s" -> "10000"). Throws
     * IllegalArgumentException with a sentence (without the key) when it is not a value of the option's type.
     */
    public static String normalize(Option o, String value) {
        String v = value.strip();
        if (o.duration()) {
            if (DIGITS.matcher(v).matches()) return v;
            try {
                return Long.toString(TimeUtils.toMilliSeconds(v));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("must be milliseconds or a duration (500ms, 10s, 1m30s), got '" + v + "'");
            }
        }
        if (!o.enums().isEmpty()) {
            for (String e : o.enums()) if (e.equalsIgnoreCase(v)) return e;
            throw new IllegalArgumentException("must be one of " + String.join(", ", o.enums()) + ", got '" + v + "'");
        }
        Class<?> t = o.type();
        try {
            if (t == int.class || t == Integer.class) Integer.parseInt(v);
            else if (t == long.class || t == Long.class) Long.parseLong(v);
            else if (t == double.class || t == Double.class) {
                if (!Double.isFinite(Double.parseDouble(v))) throw new NumberFormatException();
            } else if (t == boolean.class || t == Boolean.class) {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException("must be true or false, got '" + v + "'");
                }
                return v.toLowerCase(Locale.ROOT);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be " + (t == double.class || t == Double.class ? "a number" : "a whole number")
                    + ", got '" + v + "'");
        }
        return v;
    }

    /**
     * The problem with one option's value, as a sentence starting with {@code key}, or null. The endpoint's own
     * validation runs on a scratch endpoint with only this option set (checks between two options run per camera,
     * when its endpoint is created).
     */
    public static String problem(String key, Option o, String value) {
        String v;
        try {
            v = normalize(o, value);
        } catch (IllegalArgumentException e) {
            return key + " " + e.getMessage();
        }
        if (o.name().equals("url")) return null; // a url is checked when its camera opens (one bad camera must not stop the others)
        CameraEndpoint scratch = new CameraEndpoint("camera:check", new CameraComponent(), "check");
        scratch.setUrl("check");
        try {
            bind(scratch, Map.of(o.name(), v));
            scratch.validate();
        } catch (CameraException e) {
            String m = e.getMessage().replaceFirst("^camera 'check': ", "");
            // only what this option alone breaks: a check against another option's default is not this key's problem
            if (m.startsWith(o.name() + " ") && all().stream().noneMatch(x -> x != o && mentions(m, x.name()))) {
                return key + m.substring(o.name().length());
            }
        } catch (IllegalArgumentException e) {
            return key + " " + e.getMessage();
        }
        return null;
    }

    /** True when {@code message} names {@code option} as a word (motion is not named by "motionMask ..."). */
    private static boolean mentions(String message, String option) {
        return Pattern.compile("\\b" + Pattern.quote(option) + "\\b").matcher(message).find();
    }

    /** Sets options (endpoint names, normalized values) on an endpoint through its setters. */
    static void bind(CameraEndpoint endpoint, Map<String, String> options) {
        for (var e : options.entrySet()) {
            Option o = BY_KEY.get(kebab(e.getKey()));
            if (o == null) throw new IllegalArgumentException("unknown camera option " + e.getKey());
            try {
                Method setter = CameraEndpoint.class.getMethod("set" + Character.toUpperCase(o.name().charAt(0)) + o.name().substring(1), o.type());
                setter.invoke(endpoint, convert(o.type(), e.getValue()));
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("camera option " + o.name() + " has no setter", ex);
            }
        }
    }

    private static Object convert(Class<?> t, String v) {
        if (t == String.class) return v;
        if (t == int.class || t == Integer.class) return Integer.valueOf(v);
        if (t == long.class || t == Long.class) return Long.valueOf(v);
        if (t == double.class || t == Double.class) return Double.valueOf(v);
        if (t == boolean.class || t == Boolean.class) return Boolean.valueOf(v);
        if (t.isEnum()) {
            for (Object c : t.getEnumConstants()) if (c.toString().equalsIgnoreCase(v)) return c;
        }
        throw new IllegalArgumentException("cannot convert '" + v + "' to " + t.getSimpleName());
    }

    /** The endpoint options of one camera: configuration suffixes (read-timeout-ms) to endpoint names, normalized. */
    public static Map<String, String> fromKeys(Map<String, String> suffixes) {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : suffixes.entrySet()) {
            Option o = BY_KEY.get(e.getKey());
            if (o == null || e.getValue() == null || e.getValue().isBlank()) continue;
            out.put(o.name(), normalize(o, e.getValue()));
        }
        return out;
    }

    /** For the documentation: "name (type[, values]) default". */
    public static List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Option o : all()) {
            out.add(o.key() + " (" + o.type().getSimpleName() + (o.enums().isEmpty() ? "" : ": " + String.join("|", o.enums()))
                    + ") default " + o.defaultValue());
        }
        return out;
    }
}
