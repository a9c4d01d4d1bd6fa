package io.edgesight.track;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One camera's multi-object tracker, of the ByteTrack family: every followed track's box is predicted to the
 * frame (constant-velocity Kalman, {@link BoxFilter}); high-score detections are matched to confirmed and lost
 * tracks by IoU, then low-score detections to the confirmed tracks still unmatched (the second pass that keeps
 * partly hidden objects), then the rest of the high-score detections to tentative tracks. A track is confirmed
 * after {@code confirmFrames} matched frames in a row and ends after {@code lostFrames} frames seen without a
 * match. Motion is predicted over sequence numbers, so frames skipped upstream (a gap in seq) move the prediction
 * on without counting as frames in which the object was missed. Labels never mix: a detection only extends a track
 * of its label. Not thread-safe: one camera's frames arrive in order.
 */
public final class Tracker {

    /** One detection in: its label, score and box in frame pixels. */
    public record Detection(String label, double score, double x1, double y1, double x2, double y2) {}

    /** What the tracker says of one detection: its track id (0: no confirmed track) and whether it is stationary. */
    public record Assigned(long trackId, boolean stationary) {
        static final Assigned NONE = new Assigned(0, false);
    }

    private final TrackerConfig config;
    private final List<Track> tracks = new ArrayList<>();
    private long nextId = 1;
    private long lastSeq = -1;
    private final List<Track> ended = new ArrayList<>();

    public Tracker(TrackerConfig config) {
        this.config = config;
    }

    /** The tracks followed now (confirmed, lost or tentative), for zones and events. */
    public List<Track> tracks() { return tracks; }

    /** The confirmed tracks that ended at the last {@link #update}. */
    public List<Track> ended() { return ended; }

    /**
     * Folds in the detections of frame {@code seq} (of a {@code width} x {@code height} frame) and returns, for
     * each detection in the same order, its track. A seq at or below the last one means the source started
     * again: every track ends.
     */
    public List<Assigned> update(long seq, int width, int height, List<Detection> detections) {
        ended.clear();
        if (lastSeq >= 0 && seq <= lastSeq) {
            for (Track t : tracks) if (t.confirmed()) ended.add(t);
            tracks.clear();
            lastSeq = -1;
        }
        boolean firstFrame = lastSeq < 0;
        int dt = firstFrame ? 1 : (int) Math.min(seq - lastSeq, 10_000);
        lastSeq = seq;
        for (Track t : tracks) t.predict(dt, width, height);

        int n = detections.size();
        Track[] matched = new Track[n];
        List<Integer> high = new ArrayList<>(), low = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double s = detections.get(i).score();
            if (s >= config.highScore()) high.add(i);
            else if (s >= config.lowScore()) low.add(i);
        }
        List<Track> followed = new ArrayList<>(), tentative = new ArrayList<>();
        for (Track t : tracks) (t.confirmed() ? followed : tentative).add(t);

        // 1: high-score detections with confirmed tracks, lost ones included
        List<Track> unmatched = associate(followed, high, detections, config.matchIou(), matched);
        // 2: low-score detections with the confirmed tracks followed until the last frame and not matched yet
        List<Track> stillFollowed = new ArrayList<>();
        for (Track t : unmatched) if (t.missed() == 0) stillFollowed.add(t);
        associate(stillFollowed, low, detections, config.lowMatchIou(), matched);
        // 3: the remaining high-score detections with tentative tracks
        List<Integer> restHigh = new ArrayList<>();
        for (int i : high) if (matched[i] == null) restHigh.add(i);
        associate(tentative, restHigh, detections, config.matchIou(), matched);

        for (int i = 0; i < n; i++) {
            if (matched[i] != null) matched[i].hit(seq, detections.get(i), config);
        }
        for (Iterator<Track> it = tracks.iterator(); it.hasNext(); ) {
            Track t = it.next();
            if (t.lastHitSeq() == seq) {
                if (!t.confirmed() && t.hits() >= config.confirmFrames()) t.confirm(nextId++);
                continue;
            }
            t.miss();
            if (!t.confirmed() || t.missed() > config.lostFrames()) {
                if (t.confirmed()) ended.add(t);
                it.remove();
            }
        }
        // births: on the first frame a track is confirmed at once (nothing was followed before it)
        for (int i : high) {
            if (matched[i] != null || detections.get(i).score() < config.newTrackScore()) continue;
            Track t = new Track(detections.get(i), seq);
            if (config.confirmFrames() <= 1 || firstFrame) t.confirm(nextId++);
            tracks.add(t);
            matched[i] = t;
        }
        List<Assigned> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Track t = matched[i];
            out.add(t == null || !t.confirmed() ? Assigned.NONE : new Assigned(t.id(), t.stationary()));
        }
        return out;
    }

    /**
     * Assigns detections {@code which} to {@code candidates} by largest IoU (same label, IoU at least
     * {@code minIou}); fills {@code matched}; returns the candidates left without a detection.
     */
    private static List<Track> associate(List<Track> candidates, List<Integer> which, List<Detection> detections,
                                         double minIou, Track[] matched) {
        if (candidates.isEmpty() || which.isEmpty()) return new ArrayList<>(candidates);
        double[][] cost = new double[candidates.size()][which.size()];
        for (int r = 0; r < candidates.size(); r++) {
            Track t = candidates.get(r);
            for (int c = 0; c < which.size(); c++) {
                Detection d = detections.get(which.get(c));
                cost[r][c] = d.label().equals(t.label()) ? 1 - t.iouWithPrediction(d) : Double.POSITIVE_INFINITY;
            }
        }
        int[] a = Assignment.solve(cost, 1 - minIou);
        List<Track> left = new ArrayList<>();
        for (int r = 0; r < candidates.size(); r++) {
            if (a[r] < 0) left.add(candidates.get(r));
            else matched[which.get(a[r])] = candidates.get(r);
        }
        return left;
    }
}
