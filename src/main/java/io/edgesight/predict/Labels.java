package io.edgesight.predict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.config.UserError;

/**
 * Class labels in class-id order. Without a file, labels are the class ids. Formats:
 * <ul>
 *   <li>a text file, one label per line (blank lines ignored);</li>
 *   <li>Keras' {@code imagenet_class_index.json}: {@code {"0": ["n01440764", "tench"], "1": [...], ...}}, the
 *       label being the last element of each entry (a plain string value is accepted too);</li>
 *   <li>a JSON array of strings.</li>
 * </ul>
 * A {@code .json} file is read as JSON, anything else as text.
 */
public final class Labels {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> names;

    private Labels(List<String> names) { this.names = names; }

    public static Labels none() { return new Labels(List.of()); }

    public static Labels of(List<String> names) { return new Labels(List.copyOf(names)); }

    public static Labels load(Path file, String key) {
        if (file == null) return none();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(key + ": cannot read labels file " + file.toAbsolutePath() + " (" + e.getClass().getSimpleName() + ")");
        }
        List<String> names = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")
                ? fromJson(text, file, key)
                : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (names.isEmpty()) throw new UserError(key + ": labels file " + file + " is empty");
        return new Labels(names);
    }

    /** Keras' class index ({@code {"<id>": [wnid, label]}}) or a JSON array of labels. */
    static List<String> fromJson(String text, Path file, String key) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserError(key + ": labels file " + file + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + ": " + e.getOriginalMessage() + ")");
        }
        List<String> out = new ArrayList<>();
        if (root != null && root.isArray()) {
            for (JsonNode n : root) {
                if (!n.isTextual()) throw new UserError(key + ": labels file " + file + " is a JSON array, but not of strings");
                out.add(n.asText());
            }
            return out;
        }
        if (root == null || !root.isObject()) {
            throw new UserError(key + ": labels file " + file + " must be a JSON object {\"0\": [\"n01440764\", \"tench\"], ...}"
                    + " (Keras imagenet_class_index.json) or a JSON array of labels");
        }
        Map<Integer, String> byId = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new UserError(key + ": labels file " + file + ": key '" + e.getKey() + "' is not a class id (0, 1, 2, ...)");
            }
            JsonNode v = e.getValue();
            String label;
            if (v.isTextual()) label = v.asText();
            else if (v.isArray() && v.size() > 0 && v.get(v.size() - 1).isTextual()) label = v.get(v.size() - 1).asText();
            else throw new UserError(key + ": labels file " + file + ": entry '" + e.getKey() + "' must be [\"<id>\", \"<label>\"] or a string");
            byId.put(id, label);
        }
        int expected = 0;
        for (int id : byId.keySet()) {
            if (id != expected) {
                throw new UserError(key + ": labels file " + file + " has no entry for class " + expected
                        + " (class ids must run 0, 1, 2, ... without gaps)");
            }
            expected++;
        }
        out.addAll(byId.values());
        return out;
    }

    public int size() { return names.size(); }

    /** The labels in class order (empty: no labels file; a class is then named by its id). */
    public List<String> names() { return names; }

    public boolean isEmpty() { return names.isEmpty(); }

    /** The label of a class id; the id itself when the file names no such class (negative ids included: a detector's
     *  class minus class-offset can be below 0). */
    public String name(int classId) {
        return classId >= 0 && classId < names.size() ? names.get(classId) : Integer.toString(classId);
    }

    /** A labels file must name every class the model outputs. */
    public void checkCovers(int classes, String key) {
        if (!names.isEmpty() && names.size() < classes) {
            throw new UserError(key + ": labels file has " + names.size() + " labels but the model outputs "
                    + classes + " classes");
        }
    }
}
