package io.edgesight.cascade;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.ModelSpec;
import io.edgesight.predict.Decoders;
import io.edgesight.predict.Labels;

/**
 * {@code edgesight.models.<child>.on = <parent>:<label>[,<label>...]}: model {@code child} runs on the crops of
 * {@code parent}'s detections with one of {@code labels}. The parent must be a configured detector whose labels
 * file names every label; a child may itself be a parent (people, then faces, then the faces' attributes), but
 * the chain must not come back to itself.
 */
public record CascadeSpec(String child, String parent, Set<String> labels) {

    public static final String KEY = "on";

    /** Every cascade of the configured models, checked; an empty map when no model has an {@code on} key. */
    public static Map<String, CascadeSpec> all(Settings settings, Collection<String> models) {
        Map<String, CascadeSpec> out = new LinkedHashMap<>();
        for (String id : models) {
            String key = ModelSpec.PREFIX + id + "." + KEY;
            String v = settings.string(key, "");
            if (v.isBlank()) continue;
            out.put(id, parse(id, key, v.trim(), settings, models));
        }
        for (String id : out.keySet()) {
            List<String> chain = new ArrayList<>(List.of(id));
            for (CascadeSpec c = out.get(id); c != null; c = out.get(c.parent())) {
                if (chain.contains(c.parent())) {
                    chain.add(c.parent());
                    throw new UserError(ModelSpec.PREFIX + id + "." + KEY + ": the cascade " + String.join(" <- ", chain)
                            + " comes back to itself; a model cannot run on its own detections");
                }
                chain.add(c.parent());
            }
        }
        return out;
    }

    private static CascadeSpec parse(String id, String key, String v, Settings settings, Collection<String> models) {
        int colon = v.indexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new UserError(key + " = '" + v + "': expected <model>:<label>[,<label>...], e.g. detector:person");
        }
        String parent = v.substring(0, colon).trim();
        if (!models.contains(parent)) {
            throw new UserError(key + " names model '" + parent + "', which is not configured (models: "
                    + String.join(", ", models) + "); declare " + ModelSpec.PREFIX + parent + ".path or fix " + key);
        }
        if (parent.equals(id)) throw new UserError(key + ": model '" + id + "' cannot run on its own detections");
        String decoder = Decoders.decoderName(settings, parent);
        if (!decoder.equals("detection")) {
            throw new UserError(key + ": model '" + parent + "' is not a detector (its decoder is " + decoder
                    + "), so it has no boxes to crop; cascade on a model with " + ModelSpec.PREFIX + parent + ".decoder=detection");
        }
        Set<String> labels = new LinkedHashSet<>();
        for (String l : v.substring(colon + 1).split(",")) if (!l.isBlank()) labels.add(l.trim());
        if (labels.isEmpty()) throw new UserError(key + " = '" + v + "': name at least one label of '" + parent + "'");
        ModelSpec spec = ModelSpec.from(parent, settings);
        String labelsKey = ModelSpec.PREFIX + parent + ".labels";
        if (spec.labels() == null) {
            throw new UserError(key + ": model '" + parent + "' has no labels file (" + labelsKey + "), so its labels "
                    + labels + " are unknown");
        }
        Labels known = Labels.load(spec.labels(), labelsKey);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < known.size(); i++) names.add(known.name(i));
        for (String l : labels) {
            if (!names.contains(l)) {
                throw new UserError(key + ": '" + l + "' is not a label of model '" + parent + "' (" + spec.labels()
                        + " has " + known.size() + " labels" + near(l, names) + ")");
            }
        }
        return new CascadeSpec(id, parent, Set.copyOf(labels));
    }

    private static String near(String l, List<String> names) {
        List<String> n = names.stream().filter(x -> x.equalsIgnoreCase(l) || x.contains(l) || l.contains(x)).limit(3).toList();
        return n.isEmpty() ? "" : ", e.g. " + String.join(", ", n);
    }

    @Override
    public String toString() { return child + " on " + parent + ":" + String.join(",", Arrays.asList(labels.toArray(new String[0]))); }
}
