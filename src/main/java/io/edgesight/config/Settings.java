package io.edgesight.config;

import java.util.function.Function;

/** Typed access to edgesight.* settings with errors that name the key. */
public final class Settings {
    private final Function<String, String> lookup;

    public Settings(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public String string(String key, String def) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? def : v.trim();
    }

    public String required(String key) {
        String v = string(key, null);
        if (v == null) throw new UserError("missing setting " + key + " (config/application.properties)");
        return v;
    }

    public int integer(String key, int def, int min, int max) {
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
        String v = string(key, null);
        if (v == null) return def;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserError(key + " must be a number, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean def) {
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
