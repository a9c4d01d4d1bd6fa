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

    /** Every threshold at its default (ConfigKeys). */
    public static TrackerConfig defaults() {
        return from(new Settings(key -> null));
    }

    public static TrackerConfig from(Settings s) {
        return new TrackerConfig(s.decimal(PREFIX + "high-score"), s.decimal(PREFIX + "low-score"),
                s.decimal(PREFIX + "new-track-score"), s.decimal(PREFIX + "match-iou"), s.decimal(PREFIX + "low-match-iou"),
                s.integer(PREFIX + "confirm-frames"), s.integer(PREFIX + "lost-frames"),
                s.integer(PREFIX + "stationary-frames"), s.decimal(PREFIX + "stationary-iou"));
    }
}
