package io.edgesight.models;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.edgesight.config.UserError;

/**
 * How to feed an imported model and read its output, written next to its SavedModel as
 * {@value #FILE}. Its keys are the {@code edgesight.models.<id>.*} keys without that prefix, so
 * {@link #configLines} turns it into configuration. Values that cannot be inferred from the graph must come
 * from the import command's flags.
 */
public final class ModelDescriptor {
    public static final String FILE = "edgesight-model.properties";

    /** Key -> value in writing order. */
    private final Map<String, String> values = new LinkedHashMap<>();
    private final String source;

    public ModelDescriptor(String source) {
        this.source = source;
    }

    public ModelDescriptor put(String key, Object value) {
        if (value != null) values.put(key, value.toString());
        return this;
    }

    public String get(String key) { return values.get(key); }

    public Map<String, String> values() { return values; }

    public void write(Path dir) throws IOException {
        try (Writer w = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            w.write("# edgesight model descriptor, written by `edgesight model import` from " + source + ".\n");
            w.write("# Keys are edgesight.models.<id>.* keys without the prefix; paths are relative to this folder.\n");
            for (Map.Entry<String, String> e : values.entrySet()) w.write(e.getKey() + " = " + e.getValue() + "\n");
        }
    }

    public static Map<String, String> read(Path dir) {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) { // IllegalArgumentException: a malformed unicode escape
            throw new UserError("cannot read " + dir.resolve(FILE) + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    /** The configuration block for model {@code id} whose SavedModel is at {@code modelDir} (as the user wrote it). */
    public List<String> configLines(String id, String modelDir) {
        List<String> out = new ArrayList<>();
        String p = "edgesight.models." + id + ".";
        out.add(p + "path = " + modelDir);
        for (Map.Entry<String, String> e : values.entrySet()) {
            String v = e.getValue();
            if (e.getKey().equals("labels")) v = modelDir + "/" + v;
            out.add(p + e.getKey() + " = " + v);
        }
        return out;
    }
}
