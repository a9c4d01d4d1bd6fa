package io.edgesight.predict;

import java.util.ArrayList;
import java.util.List;

import io.edgesight.engine.InferredFrame;

/**
 * For models nobody has written a decoder for: no predictions, but a summary of the output tensor of each frame
 * (shape without the batch dimension, dtype, argmax as flat and per-dimension index, max, min, mean), so a user
 * can see what the model produces before writing a decoder.
 */
public final class RawDecoder implements Decoder {
    public static final String NAME = "raw";

    private final String outputName;
    private final List<Long> shape;
    private final String dtype;

    /** {@code rowShape}: the output's shape for one frame (batch dimension removed). */
    public RawDecoder(String outputName, long[] rowShape, String dtype) {
        this.outputName = outputName;
        List<Long> s = new ArrayList<>(rowShape.length);
        for (long d : rowShape) s.add(d);
        this.shape = List.copyOf(s);
        this.dtype = dtype;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public Decoded decode(InferredFrame frame) {
        return new Decoded(List.of(), List.of(summarise(frame.output())));
    }

    public OutputSummary summarise(float[] v) {
        if (v.length == 0) return new OutputSummary(outputName, shape, dtype, -1, List.of(), 0, 0, 0);
        int arg = 0;
        double min = v[0], max = v[0], sum = 0;
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (x > max) {
                max = x;
                arg = i;
            }
            if (x < min) min = x;
            sum += x;
        }
        return new OutputSummary(outputName, shape, dtype, arg, unravel(arg), max, min, sum / v.length);
    }

    /** The flat index as one index per dimension (row-major). */
    List<Long> unravel(long flat) {
        long[] idx = new long[shape.size()];
        long rest = flat;
        for (int d = shape.size() - 1; d >= 0; d--) {
            long n = Math.max(1, shape.get(d));
            idx[d] = rest % n;
            rest /= n;
        }
        List<Long> out = new ArrayList<>(idx.length);
        for (long i : idx) out.add(i);
        return out;
    }
}
