package io.edgesight.predict;

/** An axis-aligned box in pixels of the camera frame: (x1, y1) top-left, (x2, y2) bottom-right, exclusive. */
public record Box(double x1, double y1, double x2, double y2) {}
