package io.edgesight.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.predict.Box;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import io.edgesight.testing.PayloadSchema;
import io.edgesight.track.TrackerConfig;
import io.edgesight.track.Tracking;
import io.edgesight.zones.Analytics;
import io.edgesight.zones.CameraZones;
import io.edgesight.zones.LineCounts;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads through the analytics and the events steps as the routes run them: a person walks across a line and
 * through a zone, a car stays parked. Every zone entry and exit and every line crossing is exactly one update event;
 * each object has one new and one end; every event is valid against docs/events.schema.json; the recent list and the
 * snapshots survive a restart.
 */
class EventsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Det(String label, int classId, double score, Box box) implements PredictionItem {}

    static Prediction payload(long seq, List<? extends PredictionItem> items) {
        return new Prediction(1, "node-1", "door", seq, Instant.ofEpochMilli(1_700_000_000_000L + seq * 100).toString(),
                Instant.ofEpochMilli(1_700_000_000_050L + seq * 100).toString(), "m",
                new Prediction.EngineInfo("m-b1-FP32-0123456789ab", "tensorflow", "FP32"), new Prediction.FrameSize(640, 480),
                items, null, new Prediction.BatchInfo(1, 1), new Prediction.Timings(0.9, 3.1, 0.2, 5.4, 0.01, 31.2));
    }

    static final class Pipeline {
        final Analytics analytics;
        final Events events;
        final List<Events.Message> messages = new ArrayList<>();
        final DefaultCamelContext ctx = new DefaultCamelContext();

        Pipeline(Path out) {
            analytics = new Analytics(new Tracking(TrackerConfig.defaults()), new LineCounts(out));
            analytics.configure("door", CameraZones.parse("door", Map.of("zones.yard.points", "400,0; 600,0; 600,480; 400,480",
                    "lines.gate.points", "320,0; 320,480", "lines.gate.in", "left"), List.of("person", "car"), 640, 480));
            events = new Events("node-1", 0.05, new EventLog(out, 100), p -> new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) p.seq()});
        }

        void frame(Prediction p) throws Exception {
            Exchange e = new DefaultExchange(ctx);
            e.getMessage().setBody(p);
            analytics.analyse(e);
            messages.addAll(events.onFrame(e));
        }
    }

    @Test
    void eachZoneEntryExitAndCrossingIsOneEventAndTheListSurvivesARestart(@TempDir Path out) throws Exception {
        Pipeline pipe = new Pipeline(out);
        long seq = 0;
        for (int x = 100; x <= 700; x += 10, seq++) {
            List<PredictionItem> items = new ArrayList<>();
            if (x <= 620) items.add(new Det("person", 0, 0.8, new Box(x - 20, 200, x + 20, 300)));
            items.add(new Det("car", 2, x == 300 ? 0.95 : 0.7, new Box(40, 380, 150, 450)));
            pipe.frame(payload(seq, items));
        }
        for (int i = 0; i < 40; i++, seq++) pipe.frame(payload(seq, List.of())); // both tracks end

        List<JsonNode> byCamera = new ArrayList<>(), global = new ArrayList<>();
        for (Events.Message m : pipe.messages) {
            PayloadSchema.assertValidEvent(m.payload());
            (m.topic().equals("door/events") ? byCamera : global).add(JSON.readTree(m.payload()));
            assertThat(m.topic()).isIn("door/events", "events");
        }
        assertThat(global).isEqualTo(byCamera);
        List<String> person = summary(byCamera, "person"), car = summary(byCamera, "car");
        assertThat(person).containsExactly("new", "update lines gate:in", "update entered yard", "update left yard", "end");
        assertThat(car).containsExactly("new", "update topScore 0.95", "update stationary", "end");
        JsonNode end = byCamera.stream().filter(e -> e.get("type").asText().equals("end") && e.get("after").get("label").asText().equals("person"))
                .findFirst().orElseThrow();
        assertThat(end.get("after").get("enteredZones").toString()).isEqualTo("[\"yard\"]");
        assertThat(end.get("after").get("currentZones").toString()).isEqualTo("[]");
        assertThat(end.get("after").get("linesCrossed").toString()).isEqualTo("[\"gate:in\"]");
        assertThat(end.get("after").get("endTime").asText()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L + 52 * 100).toString());

        // the log, the snapshots and the recent list
        assertThat(Files.readAllLines(out.resolve("events.jsonl"))).hasSize(byCamera.size());
        List<TrackedObject> recent = pipe.events.recent();
        assertThat(recent).hasSize(2);
        String carId = byCamera.stream().filter(e -> e.get("after").get("label").asText().equals("car")).findFirst().orElseThrow()
                .get("after").get("id").asText();
        byte[] snap = new EventLog(out, 100).snapshot(carId);
        assertThat(snap).as("the car's best frame: its 0.95 score at x = 300, seq 20").containsExactly(0xFF, 0xD8, 20);

        Pipeline restarted = new Pipeline(out);
        assertThat(restarted.events.recent()).isEqualTo(recent);
        assertThat(restarted.analytics.lines()).isEqualTo(Map.of("door", Map.of("gate", Map.of("in", 1L, "out", 0L))));
    }

    /** One line per event of the object with that label: its type and what changed. */
    static List<String> summary(List<JsonNode> events, String label) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            JsonNode a = e.get("after"), b = e.get("before");
            if (!a.get("label").asText().equals(label)) continue;
            String type = e.get("type").asText();
            if (!type.equals("update")) {
                out.add(type);
                continue;
            }
            StringBuilder sb = new StringBuilder("update");
            if (!a.get("linesCrossed").equals(b.get("linesCrossed"))) sb.append(" lines ").append(a.get("linesCrossed").get(a.get("linesCrossed").size() - 1).asText());
            if (a.get("currentZones").size() > b.get("currentZones").size()) sb.append(" entered ").append(a.get("currentZones").get(0).asText());
            if (a.get("currentZones").size() < b.get("currentZones").size()) sb.append(" left ").append(b.get("currentZones").get(0).asText());
            if (a.get("topScore").asDouble() > b.get("topScore").asDouble()) sb.append(" topScore ").append(a.get("topScore").asText());
            if (a.get("stationary").asBoolean() != b.get("stationary").asBoolean()) sb.append(a.get("stationary").asBoolean() ? " stationary" : " moving");
            out.add(sb.toString());
        }
        return out;
    }
}
