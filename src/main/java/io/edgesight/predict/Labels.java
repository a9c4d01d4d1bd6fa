package io.edgesight.predict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.edgesight.app.UserError;

/** Class labels, one per line, in class-id order. Without a file, labels are the class ids. */
public final class Labels {
    private final List<String> names;

    private Labels(List<String> names) { this.names = names; }

    public static Labels none() { return new Labels(List.of()); }

    public static Labels load(Path file, String key) {
        if (file == null) return none();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (lines.isEmpty()) throw new UserError(key + ": labels file " + file + " is empty");
            return new Labels(lines);
        } catch (IOException e) {
            throw new UserError(key + ": cannot read labels file " + file.toAbsolutePath() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    public int size() { return names.size(); }

    public String name(int classId) {
        return classId < names.size() ? names.get(classId) : Integer.toString(classId);
    }

    /** A labels file must name every class the model outputs. */
    public void checkCovers(int classes, String key) {
        if (!names.isEmpty() && names.size() < classes) {
            throw new UserError(key + ": labels file has " + names.size() + " labels but the model outputs "
                    + classes + " classes");
        }
    }
}
