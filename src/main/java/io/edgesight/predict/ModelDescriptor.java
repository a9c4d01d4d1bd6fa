package io.edgesight.predict;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgesight.config.ConfigKeys;
import io.edgesight.config.ConfigValidator;
import io.edgesight.config.UserError;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * How to use a model, written next to it by whoever exported it: {@value #FILE} in the SavedModel directory.
 * Read when present; every {@code edgesight.models.<id>.*} key in the configuration overrides it.
 *
 * <pre>
 * decoder: classification     # classification | detection | raw (edgesight.models.&lt;id&gt;.decoder)
 * labels: labels.txt          # one per line, or Keras' imagenet_class_index.json; relative to this file
 * preprocessing:
 *   resize: stretch           # stretch | letterbox | center-crop
 *   channel-order: RGB
 *   normalize: unit           # raw | unit | symmetric | caffe | custom
 *   mean: [0.485, 0.456, 0.406]
 *   std: [0.229, 0.224, 0.225]
 * output:
 *   name: logits              # the signature output to decode
 *   kind: logits              # auto | logits | probabilities
 *   top-k: 5
 *   min-score: 0.1
 * </pre>
 *
 * The same keys may also be written flat (any {@code edgesight.models.<id>.*} key without its prefix), which is
 * the format of {@value #PROPERTIES_FILE} that {@code edgesight model import} writes ({@link #write}); that file
 * is read too when there is no {@value #FILE}.
 */
public final class ModelDescriptor {
    public static final String FILE = "model.yaml";
    public static final String PROPERTIES_FILE = "edgesight-model.properties";
    /** Keys only a detection decoder reads; accepted in descriptors, passed through as model keys. */
    public static final List<String> DETECTION_KEYS = List.of("box-format", "box-coordinates", "class-offset",
            "iou-threshold", "max-detections");
    private static final Pattern MODEL_KEY = Pattern.compile("^edgesight\\.models\\.([A-Za-z0-9_-]+)\\.(.+)$");

    private final Path file;
    private final Map<String, String> values;

    private ModelDescriptor(Path file, Map<String, String> values) {
        this.file = file;
        this.values = Collections.unmodifiableMap(values);
    }

    public static ModelDescriptor empty() { return new ModelDescriptor(null, Map.of()); }

    /** A descriptor to write: model keys without prefix, in writing order; null values are left out. */
    public static ModelDescriptor of(Map<String, ?> values) {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((k, v) -> { if (v != null) m.put(k, v.toString()); });
        return new ModelDescriptor(null, m);
    }

    /** Writes {@value #PROPERTIES_FILE} into {@code dir}; {@code source} is named in its header. */
    public void write(Path dir, String source) throws IOException {
        try (java.io.Writer w = Files.newBufferedWriter(dir.resolve(PROPERTIES_FILE), StandardCharsets.UTF_8)) {
            w.write("# edgesight model descriptor, written by `edgesight model import` from " + source + ".\n");
            w.write("# Keys are edgesight.models.<id>.* keys without the prefix; paths are relative to this folder.\n");
            for (Map.Entry<String, String> e : values.entrySet()) w.write(e.getKey() + " = " + e.getValue() + "\n");
        }
    }

    /** The configuration block for model {@code id} whose files are in {@code modelDir} (as the user wrote it). */
    public List<String> configLines(String id, String modelDir) {
        List<String> out = new ArrayList<>();
        String p = "edgesight.models." + id + ".";
        out.add(p + "path = " + modelDir);
        for (Map.Entry<String, String> e : values.entrySet()) {
            String v = e.getValue();
            if (e.getKey().equals("labels") && file == null) v = modelDir + "/" + v;
            out.add(p + e.getKey() + " = " + v);
        }
        return out;
    }

    /** The descriptor in {@code modelDir}, or an empty one when there is none. */
    public static ModelDescriptor load(Path modelDir) {
        if (modelDir == null || !Files.isDirectory(modelDir)) return empty();
        Path yaml = modelDir.resolve(FILE);
        if (Files.isRegularFile(yaml)) return new ModelDescriptor(yaml, resolveLabels(modelDir, readYaml(yaml)));
        Path props = modelDir.resolve(PROPERTIES_FILE);
        if (Files.isRegularFile(props)) return new ModelDescriptor(props, resolveLabels(modelDir, readProperties(props)));
        return empty();
    }

    /** The file it was read from, or null. */
    public Path file() { return file; }

    /** A model key without its {@code edgesight.models.<id>.} prefix ({@code decoder}, {@code top-k}, ...), or null. */
    public String get(String key) { return values.get(key); }

    public Map<String, String> values() { return values; }

    /**
     * A configuration lookup that falls back to the model's descriptor for {@code edgesight.models.<id>.*} keys
     * the configuration does not set. Descriptors are read once, on first use.
     */
    public static Function<String, String> overlay(Function<String, String> config) {
        Map<String, ModelDescriptor> cache = new ConcurrentHashMap<>();
        return key -> {
            String v = config.apply(key);
            if (v != null && !v.isBlank()) return v;
            Matcher m = MODEL_KEY.matcher(key);
            if (!m.matches() || m.group(2).equals("path")) return v;
            String path = config.apply("edgesight.models." + m.group(1) + ".path");
            if (path == null || path.isBlank()) return v;
            ModelDescriptor d = cache.computeIfAbsent(path.trim(), p -> load(Path.of(p)));
            String fromDescriptor = d.get(m.group(2));
            return fromDescriptor != null ? fromDescriptor : v;
        };
    }

    // ------------------------------------------------------------------ reading

    static Map<String, String> readYaml(Path file) {
        Object root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromReader(r);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark().map(mk -> " at line " + (mk.getLine() + 1) + ", column " + (mk.getColumn() + 1)).orElse("");
            throw new UserError("model descriptor " + file + " does not parse" + where + ": " + e.getProblem());
        } catch (YamlEngineException | IOException e) {
            throw new UserError("cannot read model descriptor " + file + ": " + e.getMessage());
        }
        if (root == null) return new LinkedHashMap<>();
        if (!(root instanceof Map<?, ?> map)) throw new UserError("model descriptor " + file + " must be a YAML mapping (decoder: ..., labels: ...)");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String k = String.valueOf(e.getKey());
            Object v = e.getValue();
            switch (k) {
                case "preprocessing" -> section(file, k, v).forEach((sk, sv) -> put(out, file, k + "." + sk, sk, sv));
                case "output" -> {
                    if (v instanceof Map<?, ?>) {
                        section(file, k, v).forEach((sk, sv) -> put(out, file, k + "." + sk, switch (sk) {
                            case "name" -> "output";
                            case "kind" -> "output-kind";
                            default -> sk;
                        }, sv));
                    } else {
                        put(out, file, k, "output", v);
                    }
                }
                default -> put(out, file, k, k, v);
            }
        }
        return out;
    }

    private static Map<String, Object> section(Path file, String name, Object v) {
        if (!(v instanceof Map<?, ?> m)) throw new UserError("model descriptor " + file + ": '" + name + "' must be a mapping");
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), x));
        return out;
    }

    private static void put(Map<String, String> out, Path file, String where, String key, Object value) {
        if (!knownKeys().contains(key)) {
            throw new UserError("model descriptor " + file + ": unknown key '" + ConfigKeys.shown(where) + "'" + suggestion(key));
        }
        if (value == null) return;
        String s;
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(x -> parts.add(String.valueOf(x)));
            s = String.join(",", parts);
        } else if (value instanceof Map<?, ?>) {
            throw new UserError("model descriptor " + file + ": '" + where + "' must be a value, not a mapping");
        } else {
            s = String.valueOf(value);
        }
        if (out.containsKey(key)) throw new UserError("model descriptor " + file + ": '" + where + "' is given twice");
        // the same type and range as the configuration key it stands for
        String problem = s.isBlank() ? null : ConfigKeys.find("edgesight.models.descriptor." + key)
                .map(k -> k.check().problem("'" + where + "'", s.trim())).orElse(null);
        if (problem != null) throw new UserError("model descriptor " + file + ": " + problem);
        out.put(key, s.trim());
    }

    static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("cannot read model descriptor " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames().stream().sorted().toList()) {
            put(out, file, k, k, p.getProperty(k));
        }
        return out;
    }

    private static Map<String, String> resolveLabels(Path modelDir, Map<String, String> values) {
        String labels = values.get("labels");
        if (labels != null && !labels.isBlank() && !Path.of(labels).isAbsolute()) {
            values.put("labels", modelDir.resolve(labels).toString());
        }
        return values;
    }

    /** Model keys (without prefix) a descriptor may set: the configuration's, minus path, plus detection keys. */
    static Set<String> knownKeys() {
        Set<String> keys = new java.util.LinkedHashSet<>();
        String prefix = "edgesight.models.{id}.";
        for (String k : ConfigValidator.EDGESIGHT_KEYS) {
            if (k.startsWith(prefix) && !k.equals(prefix + "path")) keys.add(k.substring(prefix.length()));
        }
        keys.addAll(DETECTION_KEYS);
        return keys;
    }

    private static String suggestion(String key) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : knownKeys()) {
            int d = io.edgesight.config.ConfigValidator.distance(key, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && bestD <= 3 ? "; did you mean '" + best + "'?" : "; known keys: decoder, labels, preprocessing, output, " + knownKeys();
    }
}
