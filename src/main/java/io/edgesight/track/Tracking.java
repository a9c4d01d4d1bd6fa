package io.edgesight.track;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.edgesight.cascade.CascadedItem;
import io.edgesight.predict.Box;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;

/**
 * The {@code track} step after {@code predict:} (bean {@value #BEAN}): one {@link Tracker} per camera gives every
 * detection of a payload its track id. Payloads without boxes (classification, raw) pass unchanged.
 */
public final class Tracking {
    public static final String BEAN = "tracks";

    /** What happened to the tracks of a camera at one frame, for zones, lines and events. */
    public record Update(Prediction prediction, List<Track> tracks, List<Track> ended) {}

    private final TrackerConfig config;
    private final Map<String, Tracker> byCamera = new ConcurrentHashMap<>();

    /** {@code config} null: tracking off (edgesight.track.enabled = false), payloads pass unchanged. */
    public Tracking(TrackerConfig config) {
        this.config = config;
    }

    /** The payload with each detection's track. */
    public Prediction track(Prediction p) {
        return update(p).prediction();
    }

    /** The payload with each detection's track, and the camera's tracks after it. */
    public Update update(Prediction p) {
        if (config == null) return new Update(p, List.of(), List.of());
        List<? extends PredictionItem> items = p.predictions();
        boolean boxes = !items.isEmpty() && items.get(0).box() != null;
        // an empty frame still counts as a frame seen for the camera's tracks
        if (!boxes && (!items.isEmpty() || !byCamera.containsKey(p.camera()))) return new Update(p, List.of(), List.of());
        Tracker tracker = byCamera.computeIfAbsent(p.camera(), c -> new Tracker(config));
        List<Tracker.Detection> in = new ArrayList<>(items.size());
        for (PredictionItem it : items) {
            Box b = it.box();
            in.add(new Tracker.Detection(it.label(), it.score(), b.x1(), b.y1(), b.x2(), b.y2()));
        }
        List<Tracker.Assigned> assigned = tracker.update(p.seq(), p.frame().width(), p.frame().height(), in);
        List<PredictionItem> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            PredictionItem it = items.get(i);
            Tracker.Assigned a = assigned.get(i);
            out.add(new TrackedItem(it.label(), it.classId(), it.score(), it.box(),
                    a.trackId() == 0 ? null : a.trackId(), a.trackId() == 0 ? null : a.stationary(),
                    it instanceof CascadedItem c ? c.cascades() : null));
        }
        Prediction tracked = new Prediction(p.schema(), p.node(), p.camera(), p.seq(), p.captureTime(), p.inferenceTime(),
                p.model(), p.engine(), p.frame(), out, p.outputs(), p.batch(), p.timings());
        return new Update(tracked, List.copyOf(tracker.tracks()), List.copyOf(tracker.ended()));
    }

    /** Forgets a removed camera's tracks. */
    public void forget(String camera) {
        byCamera.remove(camera);
    }
}
