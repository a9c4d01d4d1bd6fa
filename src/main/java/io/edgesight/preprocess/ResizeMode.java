package io.edgesight.preprocess;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.edgesight.config.UserError;

/** How a frame of any size becomes the model's fixed input size. */
public enum ResizeMode {
    /** Scale each axis independently: the whole frame, aspect ratio not kept. */
    STRETCH("stretch"),
    /** Scale to fit inside, keep the aspect ratio, pad the rest with black. */
    LETTERBOX("letterbox"),
    /** Scale to cover, keep the aspect ratio, cut the overflow equally on both sides. */
    CENTER_CROP("center-crop");

    private final String key;

    ResizeMode(String key) { this.key = key; }

    public String key() { return key; }

    public static ResizeMode parse(String value, String where) {
        for (ResizeMode m : values()) {
            if (m.key.equalsIgnoreCase(value.trim())) return m;
        }
        throw new UserError(where + ": unknown resize mode '" + value + "'; use one of "
                + Arrays.stream(values()).map(ResizeMode::key).collect(Collectors.joining(", ")));
    }
}
