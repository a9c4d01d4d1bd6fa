package io.edgesight.preprocess;

import io.edgesight.config.UserError;

/** Channel order the model expects. Frames are decoded as BGR (OpenCV's order). */
public enum ChannelOrder {
    RGB, BGR;

    public static ChannelOrder parse(String value, String where) {
        try {
            return valueOf(value.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new UserError(where + ": unknown channel order '" + value + "'; use RGB or BGR");
        }
    }
}
