package io.edgesight.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The start-up self-check lines of the engine runtimes: each runtime answers for itself with a static
 * {@code selfCheck()} returning its lines (loaded or not, version, what it can run on); a new runtime adds its call
 * to {@link #all()}. The self-check of the application prints them after its platform lines.
 */
public final class RuntimeChecks {
    /** One line of the self-check block: a short key and its value. */
    public record Line(String key, String value) {}

    private RuntimeChecks() {}

    public static List<Line> all() {
        List<Line> out = new ArrayList<>();
        out.addAll(OrtRuntime.selfCheck());
        out.addAll(TrtRuntime.selfCheck());
        return out;
    }
}
