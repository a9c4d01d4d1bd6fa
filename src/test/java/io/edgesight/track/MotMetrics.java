package io.edgesight.track;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CLEAR MOT (MOTA, with ID switches) and IDF1 of tracker output against ground truth, both matching a ground-truth
 * box and a tracked box at IoU &ge; 0.5. Matching is exhaustive (the scenes have a handful of objects), so it is
 * independent of the tracker's own assignment code.
 */
final class MotMetrics {
    /** A box with its identity (ground-truth object id, or track id). */
    record Obj(long id, double x1, double y1, double x2, double y2) {}

    static final double IOU = 0.5;

    private int gtCount, hypCount, misses, falsePositives, idSwitches;
    private final Map<Long, Long> lastMatch = new HashMap<>();
    private final Map<Long, Map<Long, Integer>> overlapFrames = new HashMap<>();

    void frame(List<Obj> gt, List<Obj> hyp) {
        gtCount += gt.size();
        hypCount += hyp.size();
        for (Obj g : gt) {
            for (Obj h : hyp) {
                if (iou(g, h) >= IOU) overlapFrames.computeIfAbsent(g.id(), k -> new HashMap<>()).merge(h.id(), 1, Integer::sum);
            }
        }
        // CLEAR MOT: a pairing kept from the last frame stays while its IoU holds; the rest by the best total IoU
        int[] pair = new int[gt.size()];
        java.util.Arrays.fill(pair, -1);
        Set<Integer> usedHyp = new HashSet<>();
        for (int i = 0; i < gt.size(); i++) {
            Long prev = lastMatch.get(gt.get(i).id());
            if (prev == null) continue;
            for (int j = 0; j < hyp.size(); j++) {
                if (hyp.get(j).id() == prev && !usedHyp.contains(j) && iou(gt.get(i), hyp.get(j)) >= IOU) {
                    pair[i] = j;
                    usedHyp.add(j);
                }
            }
        }
        best(gt, hyp, pair, usedHyp, 0, pair.clone(), new double[] {-1}, 0);
        int matched = 0;
        for (int i = 0; i < gt.size(); i++) {
            if (bestPair[i] < 0) {
                misses++;
                continue;
            }
            matched++;
            long h = hyp.get(bestPair[i]).id();
            Long prev = lastMatch.put(gt.get(i).id(), h);
            if (prev != null && prev != h) idSwitches++;
        }
        falsePositives += hyp.size() - matched;
    }

    private int[] bestPair;

    /** Exhaustive: the pairing of the still unpaired ground truth with the most pairs, then the largest IoU sum. */
    private void best(List<Obj> gt, List<Obj> hyp, int[] pair, Set<Integer> used, int i, int[] cur, double[] bestScore, double score) {
        if (i == gt.size()) {
            int pairs = 0;
            for (int p : cur) if (p >= 0) pairs++;
            double s = pairs * 1000 + score;
            if (s > bestScore[0]) {
                bestScore[0] = s;
                bestPair = cur.clone();
            }
            return;
        }
        if (pair[i] >= 0) {
            best(gt, hyp, pair, used, i + 1, cur, bestScore, score + iou(gt.get(i), hyp.get(pair[i])));
            return;
        }
        cur[i] = -1;
        best(gt, hyp, pair, used, i + 1, cur, bestScore, score);
        for (int j = 0; j < hyp.size(); j++) {
            if (used.contains(j)) continue;
            double v = iou(gt.get(i), hyp.get(j));
            if (v < IOU) continue;
            used.add(j);
            cur[i] = j;
            best(gt, hyp, pair, used, i + 1, cur, bestScore, score + v);
            used.remove(j);
            cur[i] = -1;
        }
    }

    int groundTruth() { return gtCount; }
    int misses() { return misses; }
    int falsePositives() { return falsePositives; }
    int idSwitches() { return idSwitches; }

    double mota() {
        return 1 - (double) (misses + falsePositives + idSwitches) / gtCount;
    }

    /** IDF1 = 2 IDTP / (ground-truth boxes + tracked boxes), with the one-to-one identity mapping maximising IDTP. */
    double idf1() {
        List<Long> gtIds = new ArrayList<>(overlapFrames.keySet());
        int idtp = bestIdentityMapping(gtIds, 0, new HashSet<>());
        return 2.0 * idtp / (gtCount + hypCount);
    }

    private int bestIdentityMapping(List<Long> gtIds, int i, Set<Long> usedHyp) {
        if (i == gtIds.size()) return 0;
        int best = bestIdentityMapping(gtIds, i + 1, usedHyp);
        for (var e : overlapFrames.get(gtIds.get(i)).entrySet()) {
            if (!usedHyp.add(e.getKey())) continue;
            best = Math.max(best, e.getValue() + bestIdentityMapping(gtIds, i + 1, usedHyp));
            usedHyp.remove(e.getKey());
        }
        return best;
    }

    static double iou(Obj a, Obj b) {
        double iw = Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1()), ih = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
        if (iw <= 0 || ih <= 0) return 0;
        double inter = iw * ih;
        return inter / ((a.x2() - a.x1()) * (a.y2() - a.y1()) + (b.x2() - b.x1()) * (b.y2() - b.y1()) - inter);
    }
}
