package io.edgesight.cascade;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.edgesight.predict.Box;
import io.edgesight.predict.PredictionItem;

/**
 * A detection with what the models cascaded on it found in its crop: {@code cascades} maps each such model to its
 * result (boxes in pixels of the camera frame, like the detection's own).
 */
@JsonPropertyOrder({"label", "classId", "score", "box", "cascades"})
public record CascadedItem(String label, int classId, double score, @JsonInclude(JsonInclude.Include.NON_NULL) Box box,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Result> cascades) implements PredictionItem {

    /** One model's result on one crop: the engine batch the crop ran in, and its ranked predictions. */
    public record Result(Batch batch, List<? extends PredictionItem> predictions) {}

    /** The engine run the crop was part of: batch size and how many crops (of any frame, any camera) filled it. */
    public record Batch(int size, int fill) {}
}
