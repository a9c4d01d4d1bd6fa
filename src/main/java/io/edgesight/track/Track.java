package io.edgesight.track;

/**
 * One followed object: its predicted box, the frames it was matched in a row, how many frames it has been missed,
 * and whether it stays put (stationary: its filtered box kept an IoU of at least stationaryIou with the box where it
 * came to rest for stationaryFrames sequence numbers).
 */
public final class Track {
    private final String label;
    private final BoxFilter filter;
    private long id;
    private int hits = 1;
    private int missed;
    private long lastHitSeq;
    private final long firstSeq;
    private double topScore;
    private double rx1, ry1, rx2, ry2;
    private long restSince;
    private boolean stationary;
    private double bx1, by1, bx2, by2;

    Track(Tracker.Detection d, long seq) {
        this.label = d.label();
        this.filter = new BoxFilter(d.x1(), d.y1(), d.x2(), d.y2());
        this.lastHitSeq = seq;
        this.firstSeq = seq;
        this.topScore = d.score();
        rest(seq);
        box(d);
    }

    public long id() { return id; }
    public String label() { return label; }
    public boolean confirmed() { return id > 0; }
    public boolean stationary() { return stationary; }
    public int missed() { return missed; }
    public long lastHitSeq() { return lastHitSeq; }
    public long firstSeq() { return firstSeq; }
    public double topScore() { return topScore; }
    int hits() { return hits; }

    /** The last matched detection's box: x1, y1, x2, y2 in frame pixels. */
    public double[] box() { return new double[] {bx1, by1, bx2, by2}; }

    void confirm(long newId) { id = newId; }

    void predict(int dt, int width, int height) {
        if (missed > 0) filter.holdSize();
        filter.predict(dt);
        if (missed > 0) filter.clampCentre(width, height);
    }

    double iouWithPrediction(Tracker.Detection d) {
        return iou(filter.x1(), filter.y1(), filter.x2(), filter.y2(), d.x1(), d.y1(), d.x2(), d.y2());
    }

    void hit(long seq, Tracker.Detection d, TrackerConfig config) {
        hits++;
        missed = 0;
        lastHitSeq = seq;
        topScore = Math.max(topScore, d.score());
        filter.update(d.x1(), d.y1(), d.x2(), d.y2());
        box(d);
        // the filtered box, not the detection: detection jitter alone must not wake a parked object
        if (iou(rx1, ry1, rx2, ry2, filter.x1(), filter.y1(), filter.x2(), filter.y2()) < config.stationaryIou()) {
            rest(seq);
            stationary = false;
        } else if (seq - restSince >= config.stationaryFrames()) {
            stationary = true;
        }
    }

    void miss() {
        missed++;
    }

    private void rest(long seq) {
        rx1 = filter.x1();
        ry1 = filter.y1();
        rx2 = filter.x2();
        ry2 = filter.y2();
        restSince = seq;
    }

    private void box(Tracker.Detection d) {
        bx1 = d.x1();
        by1 = d.y1();
        bx2 = d.x2();
        by2 = d.y2();
    }

    static double iou(double ax1, double ay1, double ax2, double ay2, double bx1, double by1, double bx2, double by2) {
        double iw = Math.min(ax2, bx2) - Math.max(ax1, bx1), ih = Math.min(ay2, by2) - Math.max(ay1, by1);
        if (iw <= 0 || ih <= 0) return 0;
        double inter = iw * ih;
        double union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
