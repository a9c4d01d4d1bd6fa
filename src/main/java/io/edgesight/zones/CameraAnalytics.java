package io.edgesight.zones;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.edgesight.track.Track;

/**
 * Zones and lines of one camera over its tracks. An object is where the bottom centre of its box is (its feet, as
 * Frigate and DeepStream's nvdsanalytics place it). It enters a zone after {@code inertia} frames in a row inside
 * and leaves after as many outside; a lost track keeps its place until it ends. A line is crossed when the bottom
 * centre moves from one side of it to the other across the segment between two frames the object was seen in
 * (a frame on the line itself is neither side);
 * each track counts at most once in and once out per line. Not thread-safe: one camera's frames come in order.
 */
public final class CameraAnalytics {

    /** What changed for one track at a frame: zones entered and left, lines crossed ("line:in" / "line:out"). */
    public record TrackChange(long trackId, List<String> entered, List<String> left, List<String> crossed) {}

    /** The result of one frame: retained MQTT messages to send and the change of each track that changed. */
    public record Result(List<Publication> publications, List<TrackChange> changes) {}

    private static final class TrackState {
        final Map<String, Integer> streak = new HashMap<>(); // frames in a row on the other side of the zone's edge
        final Set<String> inside = new LinkedHashSet<>();
        final Map<String, Long> enteredAt = new HashMap<>();
        double[] lastPoint;
        final Map<String, double[]> offLine = new HashMap<>();
        final Set<String> counted = new java.util.HashSet<>();
    }

    /** The occupancy topic of objects loitering in a zone (a word no COCO-style label uses). */
    public static final String LOITERING = "loitering";

    private final String camera;
    private final CameraZones config;
    private final LineCounts counts;
    private final Map<Long, TrackState> states = new HashMap<>();
    private final Map<String, Map<String, Integer>> published = new HashMap<>();
    private boolean countsPublished;

    public CameraAnalytics(String camera, CameraZones config, LineCounts counts) {
        this.camera = camera;
        this.config = config;
        this.counts = counts;
    }

    public CameraZones config() { return config; }

    /** The zones a track is in now (after inertia). */
    public Set<String> zonesOf(long trackId) {
        TrackState s = states.get(trackId);
        return s == null ? Set.of() : Set.copyOf(s.inside);
    }

    /**
     * Folds in the camera's tracks after frame {@code seq} ({@code width} x {@code height}); {@code ended}: tracks
     * that ended at it (they leave their zones).
     */
    public Result update(long seq, long captureMillis, int width, int height, List<Track> tracks, List<Track> ended) {
        List<TrackChange> changes = new ArrayList<>();
        List<Publication> out = new ArrayList<>();
        for (Track t : ended) {
            TrackState s = states.remove(t.id());
            if (s != null && !s.inside.isEmpty()) changes.add(new TrackChange(t.id(), List.of(), List.copyOf(s.inside), List.of()));
        }
        for (Track t : tracks) {
            if (!t.confirmed()) continue;
            TrackState s = states.computeIfAbsent(t.id(), k -> new TrackState());
            if (t.lastHitSeq() != seq) continue; // lost for now: stays where it was last seen
            double[] b = t.box();
            double x = (b[0] + b[2]) / 2, y = b[3];
            List<String> entered = new ArrayList<>(), left = new ArrayList<>(), crossed = new ArrayList<>();
            for (ZoneSpec z : config.zones()) {
                if (!z.counts(t.label())) continue;
                boolean in = Geometry.inside(z.points(), z.normalized() ? x / width : x, z.normalized() ? y / height : y);
                boolean was = s.inside.contains(z.name());
                if (in == was) {
                    s.streak.remove(z.name());
                    continue;
                }
                // a new track that starts inside is in at once; otherwise after inertia frames
                int n = s.lastPoint == null ? z.inertia() : s.streak.merge(z.name(), 1, Integer::sum);
                if (n < z.inertia()) continue;
                s.streak.remove(z.name());
                if (in) {
                    s.inside.add(z.name());
                    s.enteredAt.put(z.name(), captureMillis);
                    entered.add(z.name());
                } else {
                    s.inside.remove(z.name());
                    s.enteredAt.remove(z.name());
                    left.add(z.name());
                }
            }
            double[] p = {x, y};
            for (LineSpec l : config.lines()) {
                if (!l.counts(t.label())) continue;
                double[] a = l.normalized() ? new double[] {l.a()[0] * width, l.a()[1] * height} : l.a();
                double[] bb = l.normalized() ? new double[] {l.b()[0] * width, l.b()[1] * height} : l.b();
                double s1 = Geometry.side(a, bb, x, y);
                if (s1 == 0) continue; // on the line: not across yet
                double[] from = s.offLine.put(l.name(), p); // the last place off the line
                if (from == null || (Geometry.side(a, bb, from[0], from[1]) > 0) == (s1 > 0)
                        || !Geometry.segmentsIntersect(from, p, a, bb)) continue;
                String dir = (s1 > 0) == l.inSide().equals("right") ? "in" : "out";
                if (s.counted.add(l.name() + ":" + dir)) {
                    counts.add(camera, l.name(), dir);
                    crossed.add(l.name() + ":" + dir);
                }
            }
            s.lastPoint = p;
            if (!entered.isEmpty() || !left.isEmpty() || !crossed.isEmpty()) changes.add(new TrackChange(t.id(), entered, left, crossed));
        }
        occupancy(tracks, captureMillis, out);
        boolean anyCrossing = changes.stream().anyMatch(c -> !c.crossed().isEmpty());
        if (!countsPublished || anyCrossing) {
            for (LineSpec l : config.lines()) {
                long[] c = counts.get(camera, l.name());
                out.add(new Publication("lines/" + l.name() + "/in", Long.toString(c[0]), true));
                out.add(new Publication("lines/" + l.name() + "/out", Long.toString(c[1]), true));
            }
            countsPublished = true;
        }
        return new Result(out, changes);
    }

    /**
     * {@code zones/<zone>/<label>} = objects of that label in the zone, and {@code zones/<zone>/loitering} = those
     * in it for longer than its loitering-seconds (when set), retained, when they changed.
     */
    private void occupancy(List<Track> tracks, long nowMillis, List<Publication> out) {
        for (ZoneSpec z : config.zones()) {
            Map<String, Integer> now = new TreeMap<>();
            for (String l : z.labels()) now.put(l, 0);
            Map<String, Integer> before = published.computeIfAbsent(z.name(), k -> new LinkedHashMap<>());
            for (String l : before.keySet()) now.put(l, 0);
            for (Track t : tracks) {
                TrackState s = states.get(t.id());
                if (s != null && s.inside.contains(z.name())) now.merge(t.label(), 1, Integer::sum);
            }
            if (z.loiteringSeconds() > 0) {
                int loitering = 0;
                for (Track t : tracks) {
                    TrackState s = states.get(t.id());
                    Long since = s == null ? null : s.enteredAt.get(z.name());
                    if (since != null && nowMillis - since >= z.loiteringSeconds() * 1000) loitering++;
                }
                now.put(LOITERING, loitering);
            }
            for (var e : new ArrayList<>(now.entrySet())) {
                Integer was = before.get(e.getKey());
                if (was == null || !was.equals(e.getValue())) {
                    out.add(new Publication("zones/" + z.name() + "/" + e.getKey(), Integer.toString(e.getValue()), true));
                    before.put(e.getKey(), e.getValue());
                }
            }
        }
    }

    /** Occupancy last published, zone -> label -> objects. */
    public Map<String, Map<String, Integer>> occupancy() {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        published.forEach((z, m) -> out.put(z, new TreeMap<>(m)));
        return out;
    }
}
