package io.edgesight.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The layers of a built TensorRT engine as its engine inspector lists them (one JSON object per layer, profiling
 * verbosity DETAILED), reduced to what answers the seed's question "did the build silently fall back?": how many
 * layers compute in each precision, and whether the precision that was asked for is there at all.
 */
public record TrtLayers(List<Layer> layers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One layer: name, TensorRT layer type, the precision of its first output, the kernel (tactic) chosen. */
    public record Layer(String name, String type, String precision, String tactic) {}

    /** The verdict of {@link #check}: {@code ok} false means the engine is not what was asked. */
    public record Verdict(boolean ok, String message) {}

    public TrtLayers {
        layers = List.copyOf(layers);
    }

    /** Parses the inspector's per-layer JSON strings. A layer that is not JSON (verbosity too low) keeps its name only. */
    public static TrtLayers parse(List<String> json) {
        List<Layer> out = new ArrayList<>();
        for (String j : json) {
            JsonNode n;
            try {
                n = JSON.readTree(j);
            } catch (java.io.IOException e) {
                n = null;
            }
            if (n == null || !n.isObject()) {
                out.add(new Layer(j.replace("\"", "").trim(), "", "unknown", ""));
                continue;
            }
            JsonNode outputs = n.path("Outputs");
            String format = outputs.isArray() && outputs.size() > 0 ? outputs.get(0).path("Format/Datatype").asText("") : "";
            out.add(new Layer(n.path("Name").asText(""), n.path("LayerType").asText(""), precision(format),
                    n.path("TacticName").asText("")));
        }
        return new TrtLayers(out);
    }

    /** The element type named in a "Format/Datatype" string ("Channel major FP16 format where channel % 8 == 0"). */
    static String precision(String format) {
        String f = format.toUpperCase(Locale.ROOT);
        if (f.isEmpty()) return "unknown";
        if (f.contains("FP16") || f.contains("HALF")) return "FP16";
        if (f.contains("BF16")) return "BF16";
        if (f.contains("FP8")) return "FP8";
        if (f.contains("INT8")) return "INT8";
        if (f.contains("INT32")) return "INT32";
        if (f.contains("INT64")) return "INT64";
        if (f.contains("BOOL")) return "BOOL";
        if (f.contains("FP32") || f.contains("FLOAT")) return "FP32";
        return "unknown";
    }

    /** Layers that compute (reformatting and no-op layers only move data, in whatever precision their neighbours use). */
    List<Layer> computeLayers() {
        List<Layer> c = new ArrayList<>();
        for (Layer l : layers) {
            String t = l.type().toLowerCase(Locale.ROOT);
            if (t.contains("reformat") || t.equals("noop") || t.equals("shuffle") || t.isEmpty()) continue;
            c.add(l);
        }
        return c;
    }

    /** Compute layers per precision, e.g. {FP16=52, FP32=3}. */
    public Map<String, Integer> precisions() {
        Map<String, Integer> m = new TreeMap<>();
        for (Layer l : computeLayers()) m.merge(l.precision(), 1, Integer::sum);
        return m;
    }

    /**
     * Whether the engine computes in the precision asked for. FP32: always (TensorRT may still pick TF32 kernels).
     * FP16: at least one compute layer must output FP16, else the build fell back to FP32 entirely (no fast FP16 on
     * this GPU, or no FP16 kernel won the timing). A partial share is normal (TensorRT keeps layers in FP32 where
     * FP32 is faster or required) and is reported, not refused.
     */
    public Verdict check(Precision asked) {
        Map<String, Integer> p = precisions();
        int total = computeLayers().size();
        if (total == 0) return new Verdict(false, "the engine inspector listed no layers (profiling verbosity too low?)");
        if (p.getOrDefault("unknown", 0) == total) {
            return new Verdict(false, "the engine inspector gave no precision for any of its " + total + " layers");
        }
        switch (asked) {
            case FP32:
                return new Verdict(true, total + " layers " + p);
            case FP16: {
                int half = p.getOrDefault("FP16", 0);
                if (half == 0) {
                    return new Verdict(false, "FP16 was asked for, but all " + total + " compute layers run in "
                            + String.join("/", p.keySet()) + " " + p + ": the build fell back to FP32 (this GPU has no"
                            + " fast FP16, or no FP16 kernel was faster)");
                }
                return new Verdict(true, half + " of " + total + " compute layers in FP16 " + p);
            }
            default: {
                int int8 = p.getOrDefault("INT8", 0);
                if (int8 == 0) return new Verdict(false, "INT8 was asked for, but no layer runs in INT8 " + p);
                return new Verdict(true, int8 + " of " + total + " compute layers in INT8 " + p);
            }
        }
    }

    /** The manifest's summary: layer count, precisions, and every layer (name, type, precision, tactic). */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layers", layers.size());
        m.put("computeLayers", computeLayers().size());
        m.put("precisions", precisions());
        List<Map<String, String>> list = new ArrayList<>();
        for (Layer l : layers) {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("name", l.name());
            e.put("type", l.type());
            e.put("precision", l.precision());
            e.put("tactic", l.tactic());
            list.add(e);
        }
        m.put("layerList", list);
        return m;
    }
}
