package io.edgesight.stats;

import java.util.Map;

/** The numbers of the output stage that the statistics report (MQTT outbox, files, kept frames). */
public interface OutputCounters {
    boolean mqttConnected();

    long mqttBufferDepth();

    long mqttBufferDropped();

    long mqttDelivered();

    long fileWriteErrors();

    /** The Kafka output's buffer depth, drops and deliveries, or null when the output is off. */
    default long[] kafka() { return null; }

    /** The cost of the frames kept for drawing, or null when none are kept. */
    Map<String, Object> frameCost();

    /** Before the outputs are wired (unit tests, the first instants of a start). */
    OutputCounters NONE = new OutputCounters() {
        public boolean mqttConnected() { return false; }
        public long mqttBufferDepth() { return 0; }
        public long mqttBufferDropped() { return 0; }
        public long mqttDelivered() { return 0; }
        public long fileWriteErrors() { return 0; }
        public Map<String, Object> frameCost() { return null; }
    };
}
