package io.edgesight.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.zones.CameraZones;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The discovery documents against the fields Home Assistant documents for MQTT discovery, MQTT camera and MQTT
 * sensor (src/test/resources/homeassistant/mqtt-discovery-fields.json, written down from the pages it names), and
 * their removal when a zone or camera goes.
 */
class HomeAssistantDiscoveryTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static CameraZones zones(String... keys) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keys.length; i += 2) m.put(keys[i], keys[i + 1]);
        return CameraZones.parse("front-door", m, List.of("person", "car"), 640, 480);
    }

    static final CameraZones ZONES = zones("zones.drive.points", "0,0; 100,0; 100,100", "zones.drive.labels", "person,car",
            "lines.gate.points", "0,0; 10,10");

    static Set<String> names(JsonNode list) {
        Set<String> out = new HashSet<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void everyDocumentHasTheRequiredFieldsAndOnlyDocumentedOnes() throws Exception {
        JsonNode spec = JSON.readTree(getClass().getResourceAsStream("/homeassistant/mqtt-discovery-fields.json"));
        Map<String, String> docs = HomeAssistantDiscovery.documents("site.1", "edgesight/site.1", "homeassistant", "front-door", ZONES);
        assertThat(docs.keySet()).containsExactly(
                "homeassistant/camera/site_1_front-door/config",
                "homeassistant/sensor/site_1_front-door_drive_person/config",
                "homeassistant/sensor/site_1_front-door_drive_car/config",
                "homeassistant/sensor/site_1_front-door_gate_in/config",
                "homeassistant/sensor/site_1_front-door_gate_out/config");
        Set<String> uniqueIds = new HashSet<>();
        for (var e : docs.entrySet()) {
            assertThat(e.getKey()).matches(spec.get("discovery").get("topic").asText());
            String component = e.getKey().split("/")[1];
            JsonNode fields = spec.get(component);
            JsonNode doc = JSON.readTree(e.getValue());
            List<String> keys = new ArrayList<>();
            doc.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as(e.getKey() + " has the required fields of " + fields.get("page").asText())
                    .containsAll(names(fields.get("required")));
            Set<String> allowed = new HashSet<>(names(fields.get("required")));
            allowed.addAll(names(fields.get("optional")));
            assertThat(allowed).as(e.getKey() + ": only fields documented on " + fields.get("page").asText()).containsAll(keys);
            List<String> deviceKeys = new ArrayList<>();
            doc.get("device").fieldNames().forEachRemaining(deviceKeys::add);
            assertThat(names(spec.get("discovery").get("device"))).containsAll(deviceKeys);
            for (JsonNode a : doc.get("availability")) {
                List<String> ak = new ArrayList<>();
                a.fieldNames().forEachRemaining(ak::add);
                assertThat(ak).containsAll(names(spec.get("discovery").get("availability").get("required")));
                Set<String> aAllowed = new HashSet<>(names(spec.get("discovery").get("availability").get("required")));
                aAllowed.addAll(names(spec.get("discovery").get("availability").get("optional")));
                assertThat(aAllowed).containsAll(ak);
                // bound to edgesight's own availability: online after connecting, offline as its last will
                assertThat(a.get("topic").asText()).isEqualTo("edgesight/site.1/available");
                assertThat(a.get("payload_available").asText()).isEqualTo("online");
                assertThat(a.get("payload_not_available").asText()).isEqualTo("offline");
            }
            if (doc.has("state_class")) assertThat(names(fields.get("state_class"))).contains(doc.get("state_class").asText());
            assertThat(uniqueIds.add(doc.get("unique_id").asText())).isTrue();
        }
        JsonNode camera = JSON.readTree(docs.get("homeassistant/camera/site_1_front-door/config"));
        assertThat(camera.get("topic").asText()).isEqualTo("edgesight/site.1/front-door/snapshot");
        JsonNode person = JSON.readTree(docs.get("homeassistant/sensor/site_1_front-door_drive_person/config"));
        assertThat(person.get("state_topic").asText()).isEqualTo("edgesight/site.1/front-door/zones/drive/person");
        JsonNode in = JSON.readTree(docs.get("homeassistant/sensor/site_1_front-door_gate_in/config"));
        assertThat(in.get("state_topic").asText()).isEqualTo("edgesight/site.1/front-door/lines/gate/in");
        assertThat(in.get("state_class").asText()).isEqualTo("total_increasing");
    }

    @Test
    void aRemovedZoneOrCameraGetsEmptyRetainedDocumentsAlsoAcrossARestart(@TempDir Path dir) {
        List<String[]> sent = new ArrayList<>();
        DiscoveryPublisher p = new DiscoveryPublisher("n", "edgesight", "homeassistant", dir, (t, v) -> sent.add(new String[] {t, v}));
        p.publish("front-door", ZONES);
        p.publish("yard", CameraZones.NONE);
        assertThat(sent).hasSize(6).allMatch(s -> !s[1].isEmpty());
        sent.clear();
        // the zone goes: its two sensors are emptied, the rest published again
        p.publish("front-door", zones("lines.gate.points", "0,0; 10,10"));
        assertThat(sent.stream().filter(s -> s[1].isEmpty()).map(s -> s[0])).containsExactlyInAnyOrder(
                "homeassistant/sensor/n_front-door_drive_person/config", "homeassistant/sensor/n_front-door_drive_car/config");
        sent.clear();
        p.remove("yard");
        assertThat(sent).extracting(s -> s[0] + "=" + s[1]).containsExactly("homeassistant/camera/n_yard/config=");
        sent.clear();
        // next run: front-door is no longer configured
        DiscoveryPublisher next = new DiscoveryPublisher("n", "edgesight", "homeassistant", dir, (t, v) -> sent.add(new String[] {t, v}));
        next.keepOnly(List.of("garage"));
        assertThat(sent.stream().map(s -> s[0] + "=" + s[1])).containsExactlyInAnyOrder("homeassistant/camera/n_front-door/config=",
                "homeassistant/sensor/n_front-door_gate_in/config=", "homeassistant/sensor/n_front-door_gate_out/config=");
    }
}
