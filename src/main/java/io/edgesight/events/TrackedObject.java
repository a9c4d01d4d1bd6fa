package io.edgesight.events;

import java.util.List;

import io.edgesight.predict.Box;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One tracked object as an event shows it ({@code before} / {@code after}; docs/events.schema.json): the event id
 * (one per object), its track, label, current and top score, box, when it was first and (for an ended one) last
 * seen, whether it is stationary, the zones it is in and those it has entered, the lines it crossed, and whether it
 * has a snapshot ({@code GET /api/events/<id>/snapshot.jpg}).
 */
@JsonPropertyOrder({"id", "camera", "trackId", "label", "score", "topScore", "box", "startTime", "endTime", "stationary",
        "currentZones", "enteredZones", "linesCrossed", "hasSnapshot"})
public record TrackedObject(String id, String camera, long trackId, String label, double score, double topScore, Box box,
                            String startTime, @JsonInclude(JsonInclude.Include.ALWAYS) String endTime, boolean stationary,
                            List<String> currentZones, List<String> enteredZones, List<String> linesCrossed,
                            boolean hasSnapshot) {}
