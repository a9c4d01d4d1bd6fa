package io.edgesight.predict;

import java.util.ArrayList;
import java.util.List;

import io.edgesight.engine.InferredFrame;

/**
 * Turns a model's class scores into the top-k labels. Logits get a softmax; probabilities are used as they
 * are. With kind "auto", a row that is already a distribution (all in [0,1], sum 1) counts as probabilities.
 */
public final class ClassificationDecoder implements Decoder {
    public static final String NAME = "classification";

    private final Labels labels;
    private final int topK;
    private final double minScore;
    private final String kind;

    public ClassificationDecoder(Labels labels, int topK, double minScore, String kind) {
        this.labels = labels;
        this.topK = topK;
        this.minScore = minScore;
        this.kind = kind;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public Decoded decode(InferredFrame frame) {
        return new Decoded(decode(frame.output()), null);
    }

    public List<Classification> decode(float[] scores) {
        double[] p = switch (kind) {
            case "logits" -> softmax(scores);
            case "probabilities" -> toDouble(scores);
            default -> isDistribution(scores) ? toDouble(scores) : softmax(scores);
        };
        int k = Math.min(topK, p.length);
        List<Classification> out = new ArrayList<>(k);
        boolean[] taken = new boolean[p.length];
        for (int n = 0; n < k; n++) {
            int best = -1;
            for (int i = 0; i < p.length; i++) {
                if (!taken[i] && (best < 0 || p[i] > p[best])) best = i;
            }
            if (p[best] < minScore) break;
            taken[best] = true;
            out.add(new Classification(labels.name(best), best, p[best]));
        }
        return out;
    }

    static boolean isDistribution(float[] v) {
        double sum = 0;
        for (float x : v) {
            if (x < 0f || x > 1f || Float.isNaN(x)) return false;
            sum += x;
        }
        return Math.abs(sum - 1.0) < 1e-3;
    }

    static double[] softmax(float[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : v) max = Math.max(max, x);
        double[] e = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            e[i] = Math.exp(v[i] - max); // shift by the max: no overflow for large logits
            sum += e[i];
        }
        for (int i = 0; i < v.length; i++) e[i] /= sum;
        return e;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
