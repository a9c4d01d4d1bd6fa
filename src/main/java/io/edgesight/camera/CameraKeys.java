package io.edgesight.camera;

import java.util.List;

import io.edgesight.config.ConfigKeys;
import io.edgesight.config.KeyProvider;

/**
 * {@code edgesight.cameras.<id>.<option>} for every option of the {@code camera:} endpoint ({@link CameraOptions});
 * {@code edgesight.cameras.defaults.<option>} is the same key with the id {@code defaults}.
 */
public final class CameraKeys implements KeyProvider {
    public static final String PREFIX = "edgesight.cameras.";
    public static final String DEFAULTS = "defaults";

    @Override
    public List<ConfigKeys.Key> keys() {
        return CameraOptions.all().stream().map(o -> new ConfigKeys.Key(PREFIX + "{id}." + o.key(),
                o.type().getSimpleName() + (o.enums().isEmpty() ? "" : " " + String.join("|", o.enums()))
                        + (o.duration() ? " (ms, or 500ms, 10s)" : ""),
                (key, v) -> CameraOptions.problem(key, o, v), false)).toList();
    }
}
