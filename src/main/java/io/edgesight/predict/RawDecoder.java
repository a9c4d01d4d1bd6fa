package io.edgesight.predict;

import java.util.ArrayList;
import java.util.List;

import io.edgesight.engine.InferredFrame;
import io.edgesight.engine.Outputs;

/**
 * For models nobody has written a decoder for: no predictions, but a summary of each output tensor of each frame
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

    /**
     * A summary of every output of the frame, in the engine's order: batched ones (first dimension the primary
     * output's, the batch) by this frame's row, others (e.g. an NMS export's [M, 7] over the batch) whole.
     */
    @Override
    public Decoded decode(InferredFrame frame) {
        Outputs all = frame.outputs();
        if (all == null || all.names().size() <= 1 || !all.names().contains(outputName)) {
            return new Decoded(List.of(), List.of(summarise(frame.output())));
        }
        long[] primary = all.get(outputName).shape();
        long batch = primary.length == 0 ? -1 : primary[0];
        List<OutputSummary> out = new ArrayList<>();
        for (String n : all.names()) {
            if (n.equals(outputName)) {
                out.add(summarise(frame.output()));
                continue;
            }
            Outputs.Tensor t = all.get(n);
            long[] s = t.shape();
            boolean batched = s.length > 0 && s[0] == batch;
            RawDecoder d = new RawDecoder(n, batched ? java.util.Arrays.copyOfRange(s, 1, s.length) : s, t.info().dtype());
            out.add(d.summarise(batched ? t.row(frame.row()) : t.values()));
        }
        return new Decoded(List.of(), out);
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
