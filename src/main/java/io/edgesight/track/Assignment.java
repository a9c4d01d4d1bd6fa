package io.edgesight.track;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Minimum-cost assignment of rows to columns (Hungarian method, O(n^2 m) per group of competing pairs), for IoU association. */
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
        // rows and columns linked by allowed pairs form independent groups (objects far apart never compete):
        // each group is solved on its own, so a crowded frame costs the sum of small problems, not one n^3 one
        int[] parent = new int[rows + cols];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        boolean any = false;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (cost[r][c] <= maxCost) {
                    union(parent, r, rows + c);
                    any = true;
                }
            }
        }
        if (!any) return out;
        java.util.Map<Integer, java.util.List<Integer>> groupRows = new java.util.HashMap<>(), groupCols = new java.util.HashMap<>();
        for (int r = 0; r < rows; r++) groupRows.computeIfAbsent(find(parent, r), k -> new java.util.ArrayList<>()).add(r);
        for (int c = 0; c < cols; c++) groupCols.computeIfAbsent(find(parent, rows + c), k -> new java.util.ArrayList<>()).add(c);
        for (var g : groupRows.entrySet()) {
            java.util.List<Integer> gc = groupCols.get(g.getKey());
            if (gc == null) continue;
            java.util.List<Integer> gr = g.getValue();
            if (gr.size() == 1 && gc.size() == 1) {
                out[gr.get(0)] = gc.get(0);
                continue;
            }
            double[][] sub = new double[gr.size()][gc.size()];
            for (int i = 0; i < gr.size(); i++) for (int j = 0; j < gc.size(); j++) sub[i][j] = cost[gr.get(i)][gc.get(j)];
            int[] a = Math.min(gr.size(), gc.size()) > MAX_OPTIMAL ? greedy(sub, maxCost) : hungarian(sub, maxCost);
            for (int i = 0; i < a.length; i++) if (a[i] >= 0) out[gr.get(i)] = gc.get(a[i]);
        }
        return out;
    }

    /**
     * Groups where more than this many tracks compete (a dense crowd) are matched greedily, cheapest pair first: the
     * Hungarian method's n^3 would cost milliseconds a frame there.
     */
    static final int MAX_OPTIMAL = 24;

    /** Cheapest allowed pair first, each row and column once. */
    static int[] greedy(double[][] cost, double maxCost) {
        int rows = cost.length, cols = cost[0].length;
        List<long[]> pairs = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (cost[r][c] <= maxCost) pairs.add(new long[] {Double.doubleToLongBits(cost[r][c]), r, c});
            }
        }
        // non-negative doubles order as their bits do
        pairs.sort((x, y) -> Long.compare(x[0], y[0]));
        int[] out = new int[rows];
        Arrays.fill(out, -1);
        boolean[] usedCol = new boolean[cols];
        for (long[] p : pairs) {
            int r = (int) p[1], c = (int) p[2];
            if (out[r] < 0 && !usedCol[c]) {
                out[r] = c;
                usedCol[c] = true;
            }
        }
        return out;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        parent[find(parent, a)] = find(parent, b);
    }

    /** The Hungarian method on one group. */
    static int[] hungarian(double[][] cost, double maxCost) {
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
