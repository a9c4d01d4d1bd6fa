package io.edgesight.zones;

/** One MQTT message of the analytics: its topic below {@code <prefix>/<camera>/}, payload and whether it is retained. */
public record Publication(String topic, String payload, boolean retained) {}
