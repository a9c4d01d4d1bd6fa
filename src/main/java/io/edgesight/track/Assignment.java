package io.edgesight.track;

import java.util.Arrays;

/** Minimum-cost assignment of rows to columns (Hungarian method, O(n^2 m)), for IoU association. */
final class Assignment {
    private Assignment() {}

    /**
     * For each row the column it is assigned to, or -1. {@code cost[r][c]} above {@code maxCost} (or infinite)
     * is a forbidden pair: such a pair is never returned.
     */
    static int[] solve(double[][] cost, double maxCost) {
        int rows = cost.length;
        int[] out = new int[rows];
        Arrays.fill(out, -1);
        if (rows == 0 || cost[0].length == 0) return out;
        int cols = cost[0].length;
        boolean transpose = rows > cols;
        int n = transpose ? cols : rows, m = transpose ? rows : cols;
        // forbidden pairs cost more than any assignment of allowed ones, so they are taken only when unavoidable
        double big = (maxCost + 1) * (n + 1) + 1;
        double[][] a = new double[n + 1][m + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double c = transpose ? cost[j][i] : cost[i][j];
                a[i + 1][j + 1] = c > maxCost || Double.isNaN(c) ? big : c;
            }
        }
        double[] u = new double[n + 1], v = new double[m + 1];
        int[] p = new int[m + 1], way = new int[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            double[] minv = new double[m + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[m + 1];
            do {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = Double.POSITIVE_INFINITY;
                for (int j = 1; j <= m; j++) {
                    if (used[j]) continue;
                    double cur = a[i0][j] - u[i0] - v[j];
                    if (cur < minv[j]) {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        for (int j = 1; j <= m; j++) {
            if (p[j] == 0) continue;
            int r = transpose ? j - 1 : p[j] - 1, c = transpose ? p[j] - 1 : j - 1;
            if (!(cost[r][c] > maxCost) && !Double.isNaN(cost[r][c])) out[r] = c;
        }
        return out;
    }
}
