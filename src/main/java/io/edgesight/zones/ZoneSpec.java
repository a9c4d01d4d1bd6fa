package io.edgesight.zones;

import java.util.List;
import java.util.Set;

/**
 * A zone of a camera: a polygon (frame pixels, or 0..1 of the frame when {@code normalized}), the labels it counts
 * (empty: all), how many frames an object must be in (or out) before it counts as entered (left), and after how
 * many seconds inside an object is loitering (0: never).
 */
public record ZoneSpec(String name, List<double[]> points, boolean normalized, Set<String> labels, int inertia,
                       double loiteringSeconds) {

    boolean counts(String label) { return labels.isEmpty() || labels.contains(label); }
}
