package io.edgesight.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import io.edgesight.track.Track;
import io.edgesight.track.TrackedItem;
import io.edgesight.zones.CameraAnalytics;

/**
 * The events of one camera: for each confirmed track a {@code new}, then an {@code update} whenever a zone is entered
 * or left, a line crossed, the top score rises by at least {@code scoreStep}, or stationary changes, and an
 * {@code end} when the track ends. Not thread-safe: one camera's frames come in order.
 */
final class CameraEvents {
    /** An event and whether the frame is a better snapshot of its object than any before. */
    record Produced(Event event, boolean snapshot) {}

    private static final class Live {
        TrackedObject state;
        final Set<String> entered = new LinkedHashSet<>();
        final Set<String> current = new TreeSet<>();
        final List<String> crossed = new ArrayList<>();
        String lastSeen;
        double reportedTop; // the top score the last event reported: a better one is news from scoreStep above it
    }

    private final String node;
    private final String camera;
    private final double scoreStep;
    private final Map<Long, Live> live = new HashMap<>();

    CameraEvents(String node, String camera, double scoreStep) {
        this.node = node;
        this.camera = camera;
        this.scoreStep = scoreStep;
    }

    List<Produced> update(Prediction p, List<Track> ended, List<CameraAnalytics.TrackChange> changes, boolean hasSnapshots) {
        List<Produced> out = new ArrayList<>();
        Map<Long, CameraAnalytics.TrackChange> byTrack = new HashMap<>();
        for (CameraAnalytics.TrackChange c : changes) byTrack.put(c.trackId(), c);
        for (PredictionItem it : p.predictions()) {
            if (!(it instanceof TrackedItem t) || t.trackId() == null) continue;
            Live l = live.get(t.trackId());
            CameraAnalytics.TrackChange c = byTrack.get(t.trackId());
            boolean isNew = l == null;
            if (isNew) {
                l = new Live();
                live.put(t.trackId(), l);
            }
            TrackedObject before = l.state;
            if (c != null) {
                l.entered.addAll(c.entered());
                l.current.addAll(c.entered());
                c.left().forEach(l.current::remove);
                l.crossed.addAll(c.crossed());
            }
            l.lastSeen = p.captureTime();
            double top = before == null ? t.score() : Math.max(before.topScore(), t.score());
            boolean better = before != null && t.score() >= l.reportedTop + scoreStep;
            boolean snapshot = hasSnapshots && (isNew || better);
            String id = before != null ? before.id() : camera + "-" + p.captureTime().replaceAll("[^0-9]", "") + "-" + t.trackId();
            TrackedObject after = new TrackedObject(id, camera, t.trackId(), t.label(), t.score(), top, t.box(),
                    before != null ? before.startTime() : p.captureTime(), null, Boolean.TRUE.equals(t.stationary()),
                    List.copyOf(l.current), List.copyOf(l.entered), List.copyOf(l.crossed),
                    snapshot || (before != null && before.hasSnapshot()));
            boolean changed = isNew || better || c != null || before.stationary() != after.stationary();
            if (!changed) {
                // not an event: the object's latest box and score are kept for its end event
                l.state = withoutNews(before, after);
                continue;
            }
            l.state = after;
            if (isNew || better) l.reportedTop = top;
            out.add(new Produced(new Event(Event.SCHEMA, isNew ? "new" : "update", node, camera, p.captureTime(), before, after), snapshot));
        }
        for (Track t : ended) {
            Live l = live.remove(t.id());
            if (l == null || l.state == null) continue;
            TrackedObject b = l.state;
            CameraAnalytics.TrackChange c = byTrack.get(t.id());
            List<String> current = new ArrayList<>(l.current);
            if (c != null) current.removeAll(c.left());
            TrackedObject after = new TrackedObject(b.id(), camera, b.trackId(), b.label(), b.score(), b.topScore(), b.box(),
                    b.startTime(), l.lastSeen, b.stationary(), List.copyOf(current), b.enteredZones(), b.linesCrossed(), b.hasSnapshot());
            out.add(new Produced(new Event(Event.SCHEMA, "end", node, camera, p.captureTime(), b, after), false));
        }
        return out;
    }

    /** The object as last seen (box, score, top score), keeping what the last event said of the rest. */
    private static TrackedObject withoutNews(TrackedObject before, TrackedObject now) {
        return new TrackedObject(before.id(), before.camera(), before.trackId(), before.label(), now.score(), now.topScore(),
                now.box(), before.startTime(), null, before.stationary(), before.currentZones(), before.enteredZones(),
                before.linesCrossed(), before.hasSnapshot());
    }
}
