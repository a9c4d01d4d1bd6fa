package io.edgesight.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.predict.Prediction;
import io.edgesight.track.Tracking;
import io.edgesight.zones.Analytics;
import io.edgesight.zones.CameraAnalytics;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The events step of the outputs (bean {@value #BEAN}): after the analytics, each frame's events of its camera
 * ({@link CameraEvents}) are logged ({@link EventLog}), their snapshots saved, and returned as MQTT messages for
 * {@code <prefix>/<camera>/events} and {@code <prefix>/events}.
 */
public final class Events {
    public static final String BEAN = "events";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One MQTT message of an event: its topic below the prefix and the JSON. */
    public record Message(String topic, String payload) {}

    private final String node;
    private final double scoreStep;
    private final EventLog log;
    private final Function<Prediction, byte[]> snapshots;
    private final Map<String, CameraEvents> byCamera = new ConcurrentHashMap<>();

    /** {@code snapshots}: the annotated frame of a prediction (JPEG), or null when there is none. */
    public Events(String node, double scoreStep, EventLog log, Function<Prediction, byte[]> snapshots) {
        this.node = node;
        this.scoreStep = scoreStep;
        this.log = log;
        this.snapshots = snapshots;
    }

    /** The route step: this frame's events as messages (empty for most frames). */
    @SuppressWarnings("unchecked")
    public List<Message> onFrame(Exchange exchange) throws JsonProcessingException {
        Tracking.Update u = exchange.getProperty(Analytics.UPDATE, Tracking.Update.class);
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        if (u == null || p == null) return List.of();
        List<CameraAnalytics.TrackChange> changes = exchange.getProperty(Analytics.CHANGES, List.class);
        CameraEvents ce = byCamera.computeIfAbsent(p.camera(), c -> new CameraEvents(node, c, scoreStep));
        List<Message> out = new ArrayList<>();
        byte[] jpeg = null;
        for (CameraEvents.Produced e : ce.update(p, u.ended(), changes == null ? List.of() : changes, snapshots != null)) {
            if (e.snapshot()) {
                if (jpeg == null) jpeg = snapshots.apply(p);
                log.snapshot(e.event().after().id(), jpeg);
            }
            String json = JSON.writeValueAsString(e.event());
            log.append(e.event(), json);
            out.add(new Message(p.camera() + "/events", json));
            out.add(new Message("events", json));
        }
        return out;
    }

    /** Forgets a removed camera's objects (their end events are not sent). */
    public void forget(String camera) {
        byCamera.remove(camera);
    }

    /** {@code GET /api/events}: the latest state of the most recent objects, newest first. */
    public List<TrackedObject> recent() {
        return log.recent();
    }

    /** {@code GET /api/events/{id}/snapshot.jpg}. */
    public void snapshot(@Header("id") String id, Exchange exchange) {
        byte[] jpeg = log.snapshot(id);
        if (jpeg == null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody("{\"error\":\"no snapshot of event '" + (id == null ? "" : id.replaceAll("[^A-Za-z0-9_-]", "")) + "'\"}");
            return;
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "image/jpeg");
        exchange.getMessage().setBody(jpeg);
    }
}
