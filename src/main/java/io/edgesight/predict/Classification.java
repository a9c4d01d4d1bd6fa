package io.edgesight.predict;

/** One ranked class of a frame. */
public record Classification(String label, int classId, double score) implements PredictionItem {}
