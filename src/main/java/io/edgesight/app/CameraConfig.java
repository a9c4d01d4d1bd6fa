package io.edgesight.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgesight.camera.CameraKeys;
import io.edgesight.camera.CameraOptions;
import io.edgesight.config.UserError;
import io.edgesight.zones.CameraZones;

/**
 * One camera of the configuration: {@code edgesight.cameras.<id>.*} over {@code edgesight.cameras.defaults.*}
 * (as Frigate's global sections sit under every camera), the model it feeds, and the endpoint options it sets.
 */
public record CameraConfig(String id, String model, Map<String, String> options, CameraZones zones) {
    /** No labels known: zone and line labels are not checked. */
    static final Function<String, Collection<String>> ANY_LABELS = m -> List.of();

    private static final Pattern CAMERA_KEY = Pattern.compile("^edgesight\\.cameras\\.([A-Za-z0-9_-]+)\\.(.+)$");
    static final String MODEL = "model";

    /** Every camera with a url, in id order. {@code keys}: the key names in effect; {@code value}: their values. */
    static List<CameraConfig> all(Collection<String> keys, Function<String, String> value, Collection<String> models,
                                  Function<String, Collection<String>> labelsOf) {
        Map<String, String> defaults = keysOf(CameraKeys.DEFAULTS, keys, value);
        List<CameraConfig> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (var e : byCamera(keys, value).entrySet()) {
            String url = e.getValue().get("url");
            if (url != null && url.isBlank()) continue; // an empty url turns a camera of the file off (--set ...url=)
            try {
                out.add(of(e.getKey(), defaults, e.getValue(), models, labelsOf));
            } catch (UserError ex) {
                errors.add(ex.getMessage());
            }
        }
        if (!errors.isEmpty()) throw new UserError(String.join("\n", errors));
        return out;
    }

    /** The keys (suffixes) of every camera but the defaults, by id in id order. */
    static Map<String, Map<String, String>> byCamera(Collection<String> keys, Function<String, String> value) {
        TreeSet<String> ids = new TreeSet<>();
        for (String k : keys) {
            Matcher m = CAMERA_KEY.matcher(k);
            if (m.matches() && !m.group(1).equals(CameraKeys.DEFAULTS)) ids.add(m.group(1));
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String id : ids) out.put(id, keysOf(id, keys, value));
        return out;
    }

    /** One camera's keys (suffixes: url, fps, ...); {@code id} "defaults" gives the defaults section. */
    static Map<String, String> keysOf(String id, Collection<String> keys, Function<String, String> value) {
        Map<String, String> own = new LinkedHashMap<>();
        for (String k : keys) {
            Matcher m = CAMERA_KEY.matcher(k);
            if (m.matches() && m.group(1).equals(id)) own.put(m.group(2), value.apply(k));
        }
        return own;
    }

    /** A camera from its own keys (suffixes: url, fps, read-timeout-ms, model) over the defaults. */
    static CameraConfig of(String id, Map<String, String> defaults, Map<String, String> own, Collection<String> models,
                           Function<String, Collection<String>> labelsOf) {
        if (id.equals(CameraKeys.DEFAULTS)) throw new UserError("'defaults' is not a camera id: edgesight.cameras.defaults.* apply to every camera");
        Map<String, String> merged = new LinkedHashMap<>();
        defaults.forEach((k, v) -> { if (v != null && !v.isBlank()) merged.put(k, v); });
        own.forEach((k, v) -> { if (v != null && !v.isBlank()) merged.put(k, v); else merged.remove(k); });
        String url = merged.get("url");
        String p = CameraKeys.PREFIX + id + ".";
        if (url == null) throw new UserError("camera '" + id + "' has no url: set " + p + "url (a file, rtsp://, http://, v4l2:///dev/video0, csi://0, ...)");
        String model = merged.remove(MODEL);
        if (model == null) {
            if (models.size() != 1) {
                throw new UserError(p + "model is not set and there are " + models.size() + " models: set it to one of "
                        + String.join(", ", models));
            }
            model = models.iterator().next();
        } else if (!models.contains(model)) {
            throw new UserError(p + "model: unknown model '" + model + "'; use one of " + String.join(", ", models));
        }
        // zones and lines are the camera's own (not merged from defaults: they are drawn on its picture)
        Map<String, String> geometry = new LinkedHashMap<>();
        own.forEach((k, v) -> { if (CameraZones.isZoneOrLineKey(k)) geometry.put(k, v); });
        merged.keySet().removeIf(CameraZones::isZoneOrLineKey);
        Map<String, String> options;
        try {
            options = CameraOptions.fromKeys(merged);
        } catch (IllegalArgumentException e) {
            throw new UserError("camera '" + id + "': " + e.getMessage());
        }
        CameraZones zones = geometry.isEmpty() ? CameraZones.NONE
                : CameraZones.parse(id, geometry, labelsOf.apply(model), size(merged.get("width")), size(merged.get("height")));
        return new CameraConfig(id, model, options, zones);
    }

    private static Integer size(String v) {
        try {
            return v == null ? null : Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null; // reported by the camera's own check
        }
    }
}
