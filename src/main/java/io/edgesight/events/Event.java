package io.edgesight.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One event of a tracked object on {@code <prefix>/<camera>/events} and {@code <prefix>/events}: {@code new} when its
 * track is confirmed, {@code update} when something meaningful changed (a zone entered or left, a line crossed, a
 * better score, stationary or moving again), {@code end} when its track ends. docs/EVENTS.md, docs/events.schema.json.
 */
@JsonPropertyOrder({"schema", "type", "node", "camera", "time", "before", "after"})
public record Event(int schema, String type, String node, String camera, String time,
                    @JsonInclude(JsonInclude.Include.ALWAYS) TrackedObject before, TrackedObject after) {
    public static final int SCHEMA = 1;
}
