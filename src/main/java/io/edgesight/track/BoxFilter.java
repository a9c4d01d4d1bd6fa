package io.edgesight.track;

/**
 * Constant-velocity Kalman filter of a box as centre x, centre y, width and height, each with its velocity (per
 * frame). ByteTrack's filter has a block-diagonal transition and diagonal noises, so its covariance stays four
 * independent 2x2 blocks: this keeps just those, which is the same filter without 8x8 matrices. Noise scales
 * with the box size (ByteTrack's weights 1/20 for position, 1/160 for velocity).
 */
final class BoxFilter {
    private static final double POS = 1.0 / 20, VEL = 1.0 / 160;

    /** Per dimension: value, velocity, and covariance p00, p01, p11. */
    private final double[] x = new double[4], v = new double[4], p00 = new double[4], p01 = new double[4], p11 = new double[4];

    BoxFilter(double x1, double y1, double x2, double y2) {
        double[] z = measure(x1, y1, x2, y2);
        for (int i = 0; i < 4; i++) {
            x[i] = z[i];
            v[i] = 0;
            double s = scale(i, z);
            p00[i] = sq(2 * POS * s);
            p01[i] = 0;
            p11[i] = sq(10 * VEL * s);
        }
    }

    /** Moves the state {@code dt} frames ahead (dt &ge; 1; more when frames were skipped upstream). */
    void predict(int dt) {
        double[] z = {x[0], x[1], x[2], x[3]};
        for (int i = 0; i < 4; i++) {
            double s = scale(i, z);
            x[i] += v[i] * dt;
            double a = p00[i] + dt * (2 * p01[i] + dt * p11[i]);
            double b = p01[i] + dt * p11[i];
            p00[i] = a + dt * sq(POS * s);
            p01[i] = b;
            p11[i] = p11[i] + dt * sq(VEL * s);
        }
        x[2] = Math.max(1, x[2]);
        x[3] = Math.max(1, x[3]);
    }

    /** Folds one measured box in. */
    void update(double x1, double y1, double x2, double y2) {
        double[] z = measure(x1, y1, x2, y2);
        for (int i = 0; i < 4; i++) {
            double r = sq(POS * scale(i, z));
            double s = p00[i] + r;
            double k0 = p00[i] / s, k1 = p01[i] / s;
            double innovation = z[i] - x[i];
            x[i] += k0 * innovation;
            v[i] += k1 * innovation;
            double n00 = (1 - k0) * p00[i], n01 = (1 - k0) * p01[i], n11 = p11[i] - k1 * p01[i];
            p00[i] = n00;
            p01[i] = n01;
            p11[i] = n11;
        }
    }

    /** While nothing is seen the size is held: a shrinking box at the frame edge must not vanish. */
    void holdSize() {
        v[2] = 0;
        v[3] = 0;
    }

    /** Keeps the centre inside the frame, so an object that walked out can be met again where it left. */
    void clampCentre(int width, int height) {
        if (width <= 0 || height <= 0) return;
        if (x[0] < 0 || x[0] > width) v[0] = 0;
        if (x[1] < 0 || x[1] > height) v[1] = 0;
        x[0] = Math.min(Math.max(x[0], 0), width);
        x[1] = Math.min(Math.max(x[1], 0), height);
    }

    double x1() { return x[0] - x[2] / 2; }
    double y1() { return x[1] - x[3] / 2; }
    double x2() { return x[0] + x[2] / 2; }
    double y2() { return x[1] + x[3] / 2; }

    private static double[] measure(double x1, double y1, double x2, double y2) {
        return new double[] {(x1 + x2) / 2, (y1 + y2) / 2, Math.max(1, x2 - x1), Math.max(1, y2 - y1)};
    }

    /** Width scales the horizontal noises, height the vertical ones. */
    private static double scale(int i, double[] z) {
        return i % 2 == 0 ? Math.max(z[2], 1) : Math.max(z[3], 1);
    }

    private static double sq(double d) { return d * d; }
}
