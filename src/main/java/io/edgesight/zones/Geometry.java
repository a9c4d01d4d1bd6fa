package io.edgesight.zones;

import java.util.List;

/** Plane geometry of zones and lines: points as {x, y}. */
final class Geometry {
    private Geometry() {}

    /** Even-odd rule (ray casting); a point on an edge may fall either way. */
    static boolean inside(List<double[]> polygon, double x, double y) {
        boolean in = false;
        for (int i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
            double[] a = polygon.get(i), b = polygon.get(j);
            if ((a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) in = !in;
        }
        return in;
    }

    /** Positive when c lies right of a->b as seen on the picture (y grows downwards) looking from a to b, negative left. */
    static double side(double[] a, double[] b, double cx, double cy) {
        return (b[0] - a[0]) * (cy - a[1]) - (b[1] - a[1]) * (cx - a[0]);
    }

    /** Whether segments p1-p2 and q1-q2 cross or touch. */
    static boolean segmentsIntersect(double[] p1, double[] p2, double[] q1, double[] q2) {
        double d1 = side(q1, q2, p1[0], p1[1]), d2 = side(q1, q2, p2[0], p2[1]);
        double d3 = side(p1, p2, q1[0], q1[1]), d4 = side(p1, p2, q2[0], q2[1]);
        if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
        return (d1 == 0 && onSegment(q1, q2, p1)) || (d2 == 0 && onSegment(q1, q2, p2))
                || (d3 == 0 && onSegment(p1, p2, q1)) || (d4 == 0 && onSegment(p1, p2, q2));
    }

    private static boolean onSegment(double[] a, double[] b, double[] p) {
        return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
    }

    /** The first pair of non-adjacent edges that meet, as edge numbers {i, j} (edge i runs from point i), or null. */
    static int[] selfIntersection(List<double[]> polygon) {
        int n = polygon.size();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (j == i + 1 || (i == 0 && j == n - 1)) continue; // neighbours share a corner
                if (segmentsIntersect(polygon.get(i), polygon.get((i + 1) % n), polygon.get(j), polygon.get((j + 1) % n))) {
                    return new int[] {i, j};
                }
            }
        }
        return null;
    }
}
