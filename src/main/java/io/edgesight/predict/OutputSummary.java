package io.edgesight.predict;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What the raw decoder reports about one output tensor of one frame: its shape (without the batch dimension),
 * element type, the flat and per-dimension index of its largest element, and min/max/mean.
 */
@JsonPropertyOrder({"name", "shape", "dtype", "argmax", "argmaxIndex", "max", "min", "mean"})
public record OutputSummary(String name, List<Long> shape, String dtype, long argmax, List<Long> argmaxIndex,
                            double max, double min, double mean) {}
