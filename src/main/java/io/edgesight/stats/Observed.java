package io.edgesight.stats;

import java.util.List;
import java.util.Map;

/**
 * What the statistics read of one published frame. The payload record of the predict stage implements it, so
 * statistics need no knowledge of decoders or payloads.
 */
public interface Observed {
    String camera();

    long seq();

    String model();

    /** The engine's cache id, or null. */
    String engineId();

    int batchSize();

    int batchFill();

    double inferenceMs();

    double totalMs();

    /** The frame's predictions as label, score and (for detections) box. */
    List<Map<String, Object>> items();

    /** Milliseconds per stage, as published. */
    Object timings();
}
