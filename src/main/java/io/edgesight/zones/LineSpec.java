package io.edgesight.zones;

import java.util.Set;

/**
 * A counting line of a camera from point a to point b (frame pixels, or 0..1 of the frame when
 * {@code normalized}); a crossing towards the {@code inSide} ("left" or "right", as seen looking from a to b on the
 * picture) is "in", the other way "out".
 */
public record LineSpec(String name, double[] a, double[] b, boolean normalized, Set<String> labels, String inSide) {

    boolean counts(String label) { return labels.isEmpty() || labels.contains(label); }
}
