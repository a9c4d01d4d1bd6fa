package io.edgesight.track;

import java.util.Map;

import io.edgesight.cascade.CascadedItem;
import io.edgesight.predict.Box;
import io.edgesight.predict.PredictionItem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A detection with its track: {@code trackId} (per camera, from 1; absent while the object's track is not yet
 * confirmed) and {@code stationary} (docs/PAYLOAD.md); the cascades' results of a detection of a model with
 * cascades (edgesight.models.&lt;id&gt;.on) stay with it.
 */
@JsonPropertyOrder({"label", "classId", "score", "box", "trackId", "stationary", "cascades"})
public record TrackedItem(String label, int classId, double score, Box box,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long trackId,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Boolean stationary,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, CascadedItem.Result> cascades)
        implements PredictionItem {

    public TrackedItem(String label, int classId, double score, Box box, Long trackId, Boolean stationary) {
        this(label, classId, score, box, trackId, stationary, null);
    }
}
