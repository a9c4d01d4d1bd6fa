package io.edgesight.track;

import io.edgesight.config.Settings;

/**
 * The tracker's thresholds (edgesight.track.*, config/application.properties).
 *
 * @param highScore        detections at or above it take part in the first association and may start tracks
 * @param lowScore         detections between it and highScore only extend tracks already followed (second pass)
 * @param newTrackScore    an unmatched detection starts a track at or above this score
 * @param matchIou         least IoU of a detection with a track's predicted box in the first pass
 * @param lowMatchIou      least IoU in the second pass (low-score detections)
 * @param confirmFrames    consecutive matched frames before a new track is confirmed and gets its id
 * @param lostFrames       frames seen without a match after which a confirmed track ends
 * @param stationaryFrames frames (by sequence number, skipped ones included) a track stays put to be stationary
 * @param stationaryIou    least IoU with the box where it came to rest for a track to count as staying put
 */
public record TrackerConfig(double highScore, double lowScore, double newTrackScore, double matchIou, double lowMatchIou,
                            int confirmFrames, int lostFrames, int stationaryFrames, double stationaryIou) {

    public static final String PREFIX = "edgesight.track.";

    public static TrackerConfig defaults() {
        return new TrackerConfig(0.5, 0.1, 0.6, 0.2, 0.5, 2, 30, 50, 0.8);
    }

    public static TrackerConfig from(Settings s) {
        TrackerConfig d = defaults();
        return new TrackerConfig(s.decimal(PREFIX + "high-score", d.highScore), s.decimal(PREFIX + "low-score", d.lowScore),
                s.decimal(PREFIX + "new-track-score", d.newTrackScore), s.decimal(PREFIX + "match-iou", d.matchIou),
                s.decimal(PREFIX + "low-match-iou", d.lowMatchIou),
                s.integer(PREFIX + "confirm-frames", d.confirmFrames, 1, 1000),
                s.integer(PREFIX + "lost-frames", d.lostFrames, 0, 100_000),
                s.integer(PREFIX + "stationary-frames", d.stationaryFrames, 1, 1_000_000),
                s.decimal(PREFIX + "stationary-iou", d.stationaryIou));
    }
}
