package io.edgesight.predict;

/**
 * One entry of a payload's {@code predictions}: a class with its score and, for detections, a box in pixels of
 * the camera frame. {@link Classification} has no box; a detection record implements {@link #box()} and carries
 * a {@code box} component so the JSON has {@code "box": {"x1":..,"y1":..,"x2":..,"y2":..}} (docs/PAYLOAD.md).
 */
public interface PredictionItem {
    String label();

    int classId();

    double score();

    /** The box in source-frame pixels, or null (classification). */
    default Box box() { return null; }
}
