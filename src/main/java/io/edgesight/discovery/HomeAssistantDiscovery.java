package io.edgesight.discovery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.zones.CameraZones;
import io.edgesight.zones.LineSpec;
import io.edgesight.zones.ZoneSpec;

/**
 * Home Assistant MQTT discovery documents of one camera (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery):
 * {@code <ha prefix>/camera/<node>_<camera>/config}, an MQTT camera entity showing {@code <prefix>/<camera>/snapshot}
 * (https://www.home-assistant.io/integrations/camera.mqtt/); one sensor per zone and label with the zone's
 * occupancy and one per line and direction with its count (https://www.home-assistant.io/integrations/sensor.mqtt/).
 * Each is available while edgesight's {@code <prefix>/available} says online (its last will says offline), and all
 * belong to one device per camera.
 */
public final class HomeAssistantDiscovery {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HomeAssistantDiscovery() {}

    /** Topic -> config document (JSON), in a stable order. */
    public static Map<String, String> documents(String node, String prefix, String haPrefix, String camera, CameraZones zones) {
        Map<String, String> out = new LinkedHashMap<>();
        String base = id(node) + "_" + id(camera);
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("identifiers", List.of("edgesight_" + base));
        device.put("name", camera);
        device.put("manufacturer", "edgesight");
        device.put("model", "camera " + camera + " on " + node);
        List<Map<String, String>> availability = List.of(Map.of("topic", prefix + "/available",
                "payload_available", "online", "payload_not_available", "offline"));

        Map<String, Object> cam = new LinkedHashMap<>();
        cam.put("name", "Snapshot");
        cam.put("unique_id", "edgesight_" + base + "_snapshot");
        cam.put("topic", prefix + "/" + camera + "/snapshot");
        cam.put("availability", availability);
        cam.put("device", device);
        out.put(haPrefix + "/camera/" + base + "/config", json(cam));

        for (ZoneSpec z : zones.zones()) {
            for (String label : z.labels()) {
                String oid = base + "_" + id(z.name()) + "_" + id(label);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", z.name() + " " + label);
                s.put("unique_id", "edgesight_" + oid);
                s.put("state_topic", prefix + "/" + camera + "/zones/" + z.name() + "/" + label);
                s.put("state_class", "measurement");
                s.put("icon", "mdi:account-group");
                s.put("availability", availability);
                s.put("device", device);
                out.put(haPrefix + "/sensor/" + oid + "/config", json(s));
            }
        }
        for (LineSpec l : zones.lines()) {
            for (String dir : List.of("in", "out")) {
                String oid = base + "_" + id(l.name()) + "_" + dir;
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", l.name() + " " + dir);
                s.put("unique_id", "edgesight_" + oid);
                s.put("state_topic", prefix + "/" + camera + "/lines/" + l.name() + "/" + dir);
                s.put("state_class", "total_increasing");
                s.put("icon", dir.equals("in") ? "mdi:location-enter" : "mdi:location-exit");
                s.put("availability", availability);
                s.put("device", device);
                out.put(haPrefix + "/sensor/" + oid + "/config", json(s));
            }
        }
        return out;
    }

    /** Discovery topic levels take letters, digits, _ and - only. */
    static String id(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
