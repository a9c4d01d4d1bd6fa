package io.edgesight.engine;

import java.util.Locale;

import io.edgesight.config.UserError;

/** Numeric precision the engine is built for (TF-TRT's precision_mode). Native TensorFlow always runs FP32. */
public enum Precision {
    FP32, FP16, INT8;

    public static Precision parse(String value, String key) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError(key + ": unknown precision '" + value + "'; use FP32, FP16 or INT8");
        }
    }
}
