package io.edgesight.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.edgesight.config.UserError;
import io.edgesight.track.Track;
import io.edgesight.track.Tracker;
import io.edgesight.track.TrackerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zones and lines over real tracks: entry after inertia, occupancy on change, crossings once per track, restarts. */
class ZonesAndLinesTest {
    static final List<String> LABELS = List.of("person", "car", "dog");

    static CameraZones zones(Map<String, String> keys) {
        return CameraZones.parse("door", keys, LABELS, 640, 480);
    }

    static String error(Map<String, String> keys) {
        try {
            zones(keys);
        } catch (UserError e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for " + keys);
    }

    @Test
    void badZonesAndLinesAreOneClearErrorEach() {
        assertThat(error(Map.of("zones.yard.points", "0,0; 100,0"))).isEqualTo(
                "edgesight.cameras.door.zones.yard.points: a zone needs at least 3 points (x,y; x,y; x,y), got 2");
        assertThat(error(Map.of("zones.yard.points", "0,0; 100,100; 100,0; 0,100"))).isEqualTo(
                "edgesight.cameras.door.zones.yard.points: the polygon crosses itself (edge 1 meets edge 3); list the corners in order around the zone");
        assertThat(error(Map.of("zones.yard.points", "0,0; 700,0; 700,100"))).isEqualTo(
                "edgesight.cameras.door.zones.yard.points: point (700, 0) is outside the 640x480 frame");
        assertThat(error(Map.of("zones.yard.points", "0,0; 1.2,0; 1,1", "zones.yard.coordinates", "normalized"))).isEqualTo(
                "edgesight.cameras.door.zones.yard.points: point (1.2, 0) is outside the frame (normalized coordinates are 0..1)");
        assertThat(error(Map.of("lines.gate.points", "10,10; 10,10"))).isEqualTo(
                "edgesight.cameras.door.lines.gate.points: the line has zero length (both points are (10, 10))");
        assertThat(error(Map.of("zones.yard.points", "0,0; 100,0; 100,100", "zones.yard.labels", "person, unicorn"))).isEqualTo(
                "edgesight.cameras.door.zones.yard.labels: unknown label 'unicorn'; the model's labels are person, car, dog");
        assertThat(error(Map.of("lines.gate.points", "0,0; 10,10", "lines.gate.labels", "cat"))).startsWith(
                "edgesight.cameras.door.lines.gate.labels: unknown label 'cat'");
        assertThat(error(Map.of("zones.yard.colour", "red"))).startsWith("unknown key edgesight.cameras.door.zones.yard.colour");
        // two bad ones: both reported, one line each
        assertThat(error(Map.of("zones.a.points", "0,0; 1,1", "lines.b.points", "5,5; 5,5")).lines()).hasSize(2);
        // a square is fine, in either winding; a concave polygon too
        assertThat(zones(Map.of("zones.a.points", "0,0; 0,100; 100,100; 100,0", "zones.b.points", "0,0; 100,0; 50,50; 100,100; 0,100"))
                .zones()).hasSize(2);
        // without a known frame size, pixel points are checked at the first frame (only negative ones now)
        assertThat(CameraZones.parse("door", Map.of("zones.a.points", "0,0; 7000,0; 7000,100"), LABELS, null, null).zones()).hasSize(1);
        assertThatThrownBy(() -> CameraZones.parse("door", Map.of("zones.a.points", "0,0; -5,0; 7,100"), LABELS, null, null))
                .hasMessageContaining("point (-5, 0) is outside the frame");
    }

    /** A person walking right along y from x0, one frame per seq, through the analytics. */
    static final class Scene {
        final Tracker tracker = new Tracker(TrackerConfig.defaults());
        final CameraAnalytics analytics;
        final List<Publication> publications = new ArrayList<>();
        final List<CameraAnalytics.TrackChange> changes = new ArrayList<>();
        long seq;

        Scene(CameraZones zones, LineCounts counts) {
            analytics = new CameraAnalytics("door", zones, counts);
        }

        /** One frame with one person whose bottom centre is (x, y). */
        List<Publication> frame(double... feet) {
            List<Tracker.Detection> d = new ArrayList<>();
            for (int i = 0; i < feet.length; i += 2) d.add(new Tracker.Detection("person", 0.9, feet[i] - 20, feet[i + 1] - 100, feet[i] + 20, feet[i + 1]));
            tracker.update(seq, 640, 480, d);
            List<Track> tracks = tracker.tracks();
            CameraAnalytics.Result r = analytics.update(seq, seq * 100, 640, 480, tracks, tracker.ended());
            seq++;
            publications.addAll(r.publications());
            changes.addAll(r.changes());
            return r.publications();
        }
    }

    @Test
    void anObjectEntersAfterInertiaFramesAndOccupancyIsPublishedOnChangeOnly(@TempDir Path dir) {
        CameraZones z = zones(Map.of("zones.yard.points", "300,0; 640,0; 640,480; 300,480", "zones.yard.labels", "person,car",
                "zones.yard.inertia", "3"));
        Scene s = new Scene(z, new LineCounts(dir));
        List<Publication> first = s.frame(100, 300);
        assertThat(first).containsExactly(new Publication("zones/yard/car", "0", true), new Publication("zones/yard/person", "0", true));
        for (int x = 110; x < 300; x += 10) assertThat(s.frame(x, 300)).as("x=" + x).isEmpty();
        // inside from x=300: counted on the third frame inside
        assertThat(s.frame(310, 300)).isEmpty();
        assertThat(s.frame(320, 300)).isEmpty();
        assertThat(s.frame(330, 300)).containsExactly(new Publication("zones/yard/person", "1", true));
        assertThat(s.frame(340, 300)).isEmpty();
        // a jitter back out for one frame does not leave the zone
        assertThat(s.frame(295, 300)).isEmpty();
        assertThat(s.frame(345, 300)).isEmpty();
        assertThat(s.changes).hasSize(1);
        assertThat(s.changes.get(0).entered()).containsExactly("yard");
        assertThat(s.analytics.zonesOf(s.changes.get(0).trackId())).containsExactly("yard");
        // gone: the track ends after lost-frames, and the zone is empty again
        List<Publication> later = new ArrayList<>();
        for (int i = 0; i < 40; i++) later.addAll(s.frame());
        assertThat(later).containsExactly(new Publication("zones/yard/person", "0", true));
        assertThat(s.changes.get(s.changes.size() - 1).left()).containsExactly("yard");
    }

    @Test
    void aCrossingCountsOncePerTrackEachWayAndCountsSurviveARestart(@TempDir Path dir) {
        CameraZones z = zones(Map.of("lines.gate.points", "320,0; 320,480", "lines.gate.in", "left"));
        // the line points down the picture: its left (looking from the first point to the second) is x > 320
        Scene s = new Scene(z, new LineCounts(dir));
        assertThat(s.frame(200, 300)).containsExactly(new Publication("lines/gate/in", "0", true), new Publication("lines/gate/out", "0", true));
        for (int x = 210; x <= 310; x += 10) s.frame(x, 300);
        assertThat(s.frame(330, 300)).containsExactly(new Publication("lines/gate/in", "1", true), new Publication("lines/gate/out", "0", true));
        // back and forth across the line: one out, and no second in for the same track
        for (int x : new int[] {325, 320, 315, 310, 315, 320, 325, 330, 335, 330, 325, 320, 315, 310}) s.frame(x, 300);
        assertThat(s.changes).extracting(CameraAnalytics.TrackChange::crossed).containsExactly(List.of("gate:in"), List.of("gate:out"));
        assertThat(s.analytics.update(s.seq, 0, 640, 480, List.of(), List.of()).publications()).isEmpty();
        assertThat(new LineCounts(dir).get("door", "gate")).containsExactly(1, 1);
        // after a restart, a second person at 10 px a frame, whose frames at the line were skipped upstream (a gap in
        // seq): counted, the counts go on from the saved ones
        Scene again = new Scene(z, new LineCounts(dir));
        assertThat(again.frame(250, 200)).containsExactly(new Publication("lines/gate/in", "1", true), new Publication("lines/gate/out", "1", true));
        again.frame(260, 200);
        again.frame(270, 200);
        again.frame(280, 200);
        again.seq += 5;
        assertThat(again.frame(340, 200)).contains(new Publication("lines/gate/in", "2", true));
        assertThat(new LineCounts(dir).all()).isEqualTo(Map.of("door", Map.of("gate", Map.of("in", 2L, "out", 1L))));
        // walking along the line's extension (beyond its end) is no crossing
        CameraZones shortLine = zones(Map.of("lines.gate.points", "320,0; 320,100"));
        Scene past = new Scene(shortLine, new LineCounts(dir.resolve("other")));
        for (int x = 200; x <= 400; x += 10) past.frame(x, 300);
        assertThat(new LineCounts(dir.resolve("other")).get("door", "gate")).containsExactly(0, 0);
    }

    @Test
    void normalizedZonesScaleWithTheFrameAndLabelsFilter(@TempDir Path dir) {
        CameraZones z = zones(Map.of("zones.half.points", "0.5,0; 1,0; 1,1; 0.5,1", "zones.half.coordinates", "normalized",
                "zones.half.labels", "car", "zones.half.inertia", "1"));
        Scene s = new Scene(z, new LineCounts(dir));
        s.frame(400, 300);
        s.frame(400, 300);
        assertThat(s.changes).as("a person is no car").isEmpty();
        assertThat(s.analytics.occupancy()).isEqualTo(Map.of("half", Map.of("car", 0)));
    }

    @Test
    void loiteringCountsObjectsInTheZoneForLongerThanItsSeconds(@TempDir Path dir) {
        CameraZones z = zones(Map.of("zones.yard.points", "0,0; 640,0; 640,480; 0,480", "zones.yard.loitering-seconds", "2"));
        Scene s = new Scene(z, new LineCounts(dir)); // 100 ms per frame
        List<Publication> loitering = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            for (Publication p : s.frame(100, 300)) if (p.topic().endsWith("/loitering")) loitering.add(p);
        }
        assertThat(loitering).containsExactly(new Publication("zones/yard/loitering", "0", true), new Publication("zones/yard/loitering", "1", true));
    }
}
