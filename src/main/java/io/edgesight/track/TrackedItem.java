package io.edgesight.track;

import io.edgesight.predict.Box;
import io.edgesight.predict.PredictionItem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A detection with its track: {@code trackId} (per camera, from 1; absent while the object's track is not yet
 * confirmed) and {@code stationary} (docs/PAYLOAD.md).
 */
@JsonPropertyOrder({"label", "classId", "score", "box", "trackId", "stationary"})
public record TrackedItem(String label, int classId, double score, Box box,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long trackId,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Boolean stationary) implements PredictionItem {}
