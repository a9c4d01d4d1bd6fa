package io.edgesight.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The tracker against synthetic ground truth: two people crossing each other (the one behind is scored low or
 * missed while hidden), a car that drives out of the frame and comes back at the same edge, a parked car, detection
 * noise (2 px), random misses, low-score clutter and frames skipped upstream (gaps in seq). IDF1 and MOTA are
 * computed by {@link MotMetrics}.
 */
class TrackerTest {
    static final int W = 640, H = 480, FRAMES = 400;

    /** The ground truth of one object at frame f: its box before clipping to the frame, or null when absent. */
    interface Path {
        double[] at(int f);
    }

    static double[] box(double cx, double cy, double w, double h) {
        return new double[] {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
    }

    static final Map<Long, Path> SCENE = new HashMap<>();
    static final Map<Long, String> LABEL = Map.of(1L, "person", 2L, "person", 3L, "car", 4L, "car");

    static {
        // two people crossing, at 3 px per frame, both on screen frames 0..179
        SCENE.put(1L, f -> f < 180 ? box(50 + 3 * f, 200, 40, 100) : null);
        SCENE.put(2L, f -> f < 180 ? box(590 - 3 * f, 225, 50, 120) : null);
        // a car to the right edge and out (centre to 700 = fully out at 3 px/frame), then back the way it came
        SCENE.put(3L, f -> {
            if (f < 20 || f >= 380) return null;
            int t = f - 20;
            double cx = t <= 133 ? 300 + 3 * t : 300 + 3 * (266 - t);
            return box(cx, 380, 120, 60);
        });
        // a parked car
        SCENE.put(4L, f -> box(120, 420, 110, 70));
    }

    /** Visible part of a box in the frame, or null when less than 30 % of it is. */
    static double[] visible(double[] b) {
        double[] c = {Math.max(0, b[0]), Math.max(0, b[1]), Math.min(W, b[2]), Math.min(H, b[3])};
        double full = (b[2] - b[0]) * (b[3] - b[1]);
        double vis = Math.max(0, c[2] - c[0]) * Math.max(0, c[3] - c[1]);
        return vis >= 0.3 * full ? c : null;
    }

    record Result(MotMetrics metrics, Map<Long, Set<Long>> tracksOfObject, Map<Long, Boolean> stationaryAtEnd) {}

    static Result run(long seed, TrackerConfig config) {
        Random rnd = new Random(seed);
        Tracker tracker = new Tracker(config);
        MotMetrics m = new MotMetrics();
        Map<Long, Set<Long>> tracksOf = new HashMap<>();
        Map<Long, Boolean> stationary = new HashMap<>();
        for (int f = 0; f < FRAMES; f++) {
            // frames skipped upstream: every 9th, and 8 in a row at 250..257
            if (f % 9 == 4 || (f >= 250 && f < 258)) continue;
            List<MotMetrics.Obj> gt = new ArrayList<>();
            List<Tracker.Detection> dets = new ArrayList<>();
            List<Long> detObject = new ArrayList<>();
            for (var e : SCENE.entrySet()) {
                double[] raw = e.getValue().at(f);
                if (raw == null) continue;
                double[] b = visible(raw);
                if (b == null) continue;
                gt.add(new MotMetrics.Obj(e.getKey(), b[0], b[1], b[2], b[3]));
                double score = 0.6 + 0.35 * rnd.nextDouble();
                // the one behind while the people overlap: scored low, or not found at all
                if (e.getKey() == 2L) {
                    double[] other = SCENE.get(1L).at(f);
                    if (other != null && iou(raw, other) > 0.2) {
                        if (rnd.nextDouble() < 0.3) continue;
                        score = 0.2 + 0.2 * rnd.nextDouble();
                    }
                }
                if (rnd.nextDouble() < 0.05) continue; // a random miss
                dets.add(new Tracker.Detection(LABEL.get(e.getKey()), score, b[0] + 2 * rnd.nextGaussian(), b[1] + 2 * rnd.nextGaussian(),
                        b[2] + 2 * rnd.nextGaussian(), b[3] + 2 * rnd.nextGaussian()));
                detObject.add(e.getKey());
            }
            if (rnd.nextDouble() < 0.1) { // clutter: a low-score box somewhere
                double x = rnd.nextDouble() * (W - 60), y = rnd.nextDouble() * (H - 60);
                dets.add(new Tracker.Detection("person", 0.15 + 0.3 * rnd.nextDouble(), x, y, x + 40, y + 60));
                detObject.add(0L);
            }
            List<Tracker.Assigned> out = tracker.update(f, W, H, dets);
            assertThat(out).hasSameSizeAs(dets);
            List<MotMetrics.Obj> hyp = new ArrayList<>();
            for (int i = 0; i < dets.size(); i++) {
                Tracker.Assigned a = out.get(i);
                if (a.trackId() == 0) continue;
                Tracker.Detection d = dets.get(i);
                hyp.add(new MotMetrics.Obj(a.trackId(), d.x1(), d.y1(), d.x2(), d.y2()));
                if (detObject.get(i) > 0) {
                    tracksOf.computeIfAbsent(detObject.get(i), k -> new HashSet<>()).add(a.trackId());
                    stationary.put(detObject.get(i), a.stationary());
                }
            }
            m.frame(gt, hyp);
        }
        return new Result(m, tracksOf, stationary);
    }

    static double iou(double[] a, double[] b) {
        return MotMetrics.iou(new MotMetrics.Obj(0, a[0], a[1], a[2], a[3]), new MotMetrics.Obj(0, b[0], b[1], b[2], b[3]));
    }

    @Test
    void crossingLeavingAndReenteringObjectsKeepTheirIdsWithIdf1AndMotaAbove09() {
        for (long seed = 1; seed <= 5; seed++) {
            Result r = run(seed, TrackerConfig.defaults());
            MotMetrics m = r.metrics();
            System.out.printf("seed %d: MOTA %.3f IDF1 %.3f (ground truth %d, misses %d, false positives %d, id switches %d) tracks %s%n",
                    seed, m.mota(), m.idf1(), m.groundTruth(), m.misses(), m.falsePositives(), m.idSwitches(), r.tracksOfObject());
            assertThat(m.mota()).as("MOTA, seed " + seed).isGreaterThanOrEqualTo(0.9);
            assertThat(m.idf1()).as("IDF1, seed " + seed).isGreaterThanOrEqualTo(0.9);
            // each object is one track the whole way: through the crossing, the gaps and the re-entry
            for (var e : r.tracksOfObject().entrySet()) {
                assertThat(e.getValue()).as("tracks of object " + e.getKey() + ", seed " + seed).hasSize(1);
            }
            assertThat(r.tracksOfObject().values().stream().flatMap(Set::stream).distinct().count()).isEqualTo(4);
            assertThat(r.stationaryAtEnd()).containsEntry(4L, true).containsEntry(3L, false);
        }
    }

    @Test
    void withoutTheSecondPassTheHiddenPersonIsTrackedWorse() {
        TrackerConfig d = TrackerConfig.defaults();
        TrackerConfig noLowPass = new TrackerConfig(d.highScore(), d.highScore(), d.newTrackScore(), d.matchIou(), d.lowMatchIou(),
                d.confirmFrames(), d.lostFrames(), d.stationaryFrames(), d.stationaryIou());
        double with = 0, without = 0;
        for (long seed = 1; seed <= 5; seed++) {
            with += run(seed, d).metrics().mota();
            without += run(seed, noLowPass).metrics().mota();
        }
        assertThat(with).isGreaterThan(without);
    }

    @Test
    void aGapInSeqLongerThanTheLossThresholdIsNotALoss() {
        Tracker t = new Tracker(new TrackerConfig(0.5, 0.1, 0.6, 0.2, 0.5, 2, 5, 50, 0.8));
        Tracker.Detection d = new Tracker.Detection("person", 0.9, 100, 100, 140, 200);
        long id = t.update(0, W, H, List.of(d)).get(0).trackId();
        assertThat(id).isPositive();
        // 100 frames skipped upstream (nothing moved): the same object, the same track
        assertThat(t.update(100, W, H, List.of(d)).get(0).trackId()).isEqualTo(id);
        // missed in 5 inferred frames: kept; in the 6th: ended
        for (int s = 101; s <= 105; s++) t.update(s, W, H, List.of());
        assertThat(t.update(106, W, H, List.of(d)).get(0).trackId()).isEqualTo(id);
        for (int s = 107; s <= 112; s++) t.update(s, W, H, List.of());
        assertThat(t.ended()).extracting(Track::id).containsExactly(id);
        Tracker.Assigned again = t.update(113, W, H, List.of(d)).get(0);
        assertThat(again.trackId()).as("a new track, not yet confirmed").isZero();
        assertThat(t.update(114, W, H, List.of(d)).get(0).trackId()).isGreaterThan(id);
    }

    @Test
    void labelsNeverMixAndASourceRestartEndsEveryTrack() {
        Tracker t = new Tracker(TrackerConfig.defaults());
        var person = new Tracker.Detection("person", 0.9, 100, 100, 140, 200);
        var dog = new Tracker.Detection("dog", 0.9, 100, 100, 140, 200);
        long p = t.update(10, W, H, List.of(person)).get(0).trackId();
        t.update(11, W, H, List.of(person));
        assertThat(t.update(12, W, H, List.of(dog)).get(0).trackId()).as("a dog where the person was is not the person").isNotEqualTo(p);
        t.update(0, W, H, List.of(person));
        assertThat(t.ended()).extracting(Track::id).contains(p);
    }

    @Test
    void assignmentIsOptimalAndNeverPairsForbiddenCells() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int rows = 1 + rnd.nextInt(5), cols = 1 + rnd.nextInt(5);
            double[][] c = new double[rows][cols];
            for (double[] row : c) for (int j = 0; j < cols; j++) row[j] = rnd.nextDouble() < 0.3 ? Double.POSITIVE_INFINITY : rnd.nextDouble();
            int[] a = trial % 2 == 0 ? Assignment.solve(c, 0.8) : Assignment.hungarian(c, 0.8);
            Set<Integer> used = new HashSet<>();
            int pairs = 0;
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                if (a[r] < 0) continue;
                assertThat(c[r][a[r]]).isLessThanOrEqualTo(0.8);
                assertThat(used.add(a[r])).isTrue();
                pairs++;
                sum += c[r][a[r]];
            }
            double[] best = bruteForce(c, 0.8, 0, new HashSet<>());
            assertThat(pairs).as("most pairs, trial " + trial).isEqualTo((int) best[0]);
            assertThat(sum).as("least cost, trial " + trial).isCloseTo(best[1], org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    /** {most pairs, least cost among those} over every allowed assignment. */
    private static double[] bruteForce(double[][] c, double max, int r, Set<Integer> used) {
        if (r == c.length) return new double[] {0, 0};
        double[] best = bruteForce(c, max, r + 1, used);
        for (int j = 0; j < c[r].length; j++) {
            if (used.contains(j) || !(c[r][j] <= max)) continue;
            used.add(j);
            double[] sub = bruteForce(c, max, r + 1, used);
            used.remove(j);
            double[] cand = {sub[0] + 1, sub[1] + c[r][j]};
            if (cand[0] > best[0] || (cand[0] == best[0] && cand[1] < best[1])) best = cand;
        }
        return best;
    }

    /** The metric code itself on a case worked by hand. */
    @Test
    void motMetricsCountAnIdSwitchAMissAndAFalsePositive() {
        MotMetrics m = new MotMetrics();
        var g = new MotMetrics.Obj(1, 0, 0, 10, 10);
        m.frame(List.of(g), List.of(new MotMetrics.Obj(7, 0, 0, 10, 10)));
        m.frame(List.of(g), List.of(new MotMetrics.Obj(7, 0, 0, 10, 10)));
        m.frame(List.of(g), List.of(new MotMetrics.Obj(8, 0, 0, 10, 10), new MotMetrics.Obj(9, 50, 50, 60, 60)));
        m.frame(List.of(g), List.of());
        // 4 ground-truth boxes: 1 miss, 1 false positive, 1 switch (7 -> 8)
        assertThat(m.misses()).isEqualTo(1);
        assertThat(m.falsePositives()).isEqualTo(1);
        assertThat(m.idSwitches()).isEqualTo(1);
        assertThat(m.mota()).isEqualTo(1 - 3 / 4.0);
        // best identity mapping 1 -> 7: IDTP 2 of 4 ground-truth and 4 tracked boxes
        assertThat(m.idf1()).isEqualTo(2.0 * 2 / (4 + 4));
    }
}
