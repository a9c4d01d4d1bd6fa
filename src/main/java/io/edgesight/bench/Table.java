package io.edgesight.bench;

import java.util.ArrayList;
import java.util.List;

/** A markdown table with aligned columns, ready to paste into docs/BENCHMARKS.md. Numeric columns align right. */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(c == null ? "" : c.toString());
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    @Override
    public String toString() {
        int n = header.size();
        int[] w = new int[n];
        boolean[] right = new boolean[n];
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(3, header.get(i).length());
            right[i] = true;
        }
        for (List<String> r : rows) {
            for (int i = 0; i < n; i++) {
                String c = i < r.size() ? r.get(i) : "";
                w[i] = Math.max(w[i], c.length());
                if (!c.isEmpty() && !c.equals("–") && !c.matches("[-+0-9.,%x ×–/()a-z]*[0-9][-+0-9.,%x ×–/()]*")) right[i] = false;
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w, right);
        sb.append('|');
        for (int i = 0; i < n; i++) sb.append(right[i] ? "-".repeat(w[i] + 1) + ":|" : "-".repeat(w[i] + 2) + "|");
        sb.append('\n');
        for (List<String> r : rows) line(sb, r, w, right);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w, boolean[] right) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            sb.append(' ').append(right[i] ? " ".repeat(w[i] - c.length()) + c : c + " ".repeat(w[i] - c.length())).append(" |");
        }
        sb.append('\n');
    }
}
