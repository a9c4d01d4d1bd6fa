package io.edgesight.config;

import java.util.function.Function;

/**
 * Typed access to edgesight.* settings with errors that name the key. A key's default, type and range live in
 * {@link ConfigKeys} only: the one-argument readers take them from there, and the forms with a default are for
 * keys whose default depends on other keys (they refuse a key that has its own default, so none is restated).
 */
public final class Settings {
    private final Function<String, String> lookup;

    public Settings(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** The value as configured, null when unset (whatever the default). */
    public String configured(String key) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The value, else the key's default (null when it has none). */
    public String string(String key) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? ConfigKeys.defaultOf(key) : v.trim();
    }

    /** A whole number in the key's range; the key's default when unset. */
    public int integer(String key) {
        long n = longInteger(key);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) throw new UserError(key + " is too large, got " + n);
        return (int) n;
    }

    /** A whole number in the key's range; the key's default when unset. */
    public long longInteger(String key) {
        String v = checked(key);
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UserError(key + " must be a whole number, got '" + v + "'");
        }
    }

    /** A number in the key's range; the key's default when unset. */
    public double decimal(String key) {
        String v = checked(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserError(key + " must be a number, got '" + v + "'");
        }
    }

    /** true or false; the key's default when unset. */
    public boolean bool(String key) {
        String v = checked(key);
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new UserError(key + " must be true or false, got '" + v + "'");
    }

    private String checked(String key) {
        String v = string(key);
        if (v == null) throw new IllegalStateException(key + " has no default in ConfigKeys; read it with a computed default");
        String problem = ConfigKeys.problem(key, v);
        if (problem != null) throw new UserError(problem);
        return v;
    }

    private static void notRestated(String key) {
        if (ConfigKeys.defaultOf(key) != null) {
            throw new IllegalStateException(key + " has its default in ConfigKeys; read it without restating one");
        }
    }

    public String string(String key, String def) {
        notRestated(key);
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? def : v.trim();
    }

    public String required(String key) {
        String v = string(key, null);
        if (v == null) throw new UserError("missing setting " + key + " (config/application.properties)");
        return v;
    }

    public int integer(String key, int def, int min, int max) {
        notRestated(key);
        String v = string(key, null);
        if (v == null) return def;
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError(key + " must be a whole number, got '" + v + "'");
        }
        if (n < min || n > max) throw new UserError(key + " must be between " + min + " and " + max + ", got " + n);
        return n;
    }

    public double decimal(String key, double def) {
        notRestated(key);
        String v = string(key, null);
        if (v == null) return def;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserError(key + " must be a number, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean def) {
        notRestated(key);
        String v = string(key, null);
        if (v == null) return def;
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new UserError(key + " must be true or false, got '" + v + "'");
    }

    /** Comma-separated numbers, or null when unset. */
    public double[] decimals(String key) {
        String v = string(key, null);
        if (v == null) return null;
        String[] parts = v.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserError(key + " must be comma-separated numbers, got '" + v + "'");
            }
        }
        return out;
    }
}
