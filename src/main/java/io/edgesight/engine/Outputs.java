package io.edgesight.engine;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every output of one engine run, as the runtime returned it: per output its name, element type, full shape
 * (the batch dimension first where the model has one; fixed-batch padding rows included) and values as float32.
 * Integer outputs (class ids, detection counts) are converted; they stay exact below 2^24.
 *
 * <p>Most outputs are batched ({@code [batch, ...]}): {@link Tensor#row} slices one frame's share. Some are not:
 * an NMS-included export can return {@code [N, 7]} rows across the whole batch, each starting with its frame's
 * index; decoders of such layouts read {@link Tensor#values()} whole.
 */
public final class Outputs {

    /** What the model declares for an output (or what the last run returned): dims -1 where unknown. */
    public record Info(String name, String dtype, long[] shape) {
        public Info {
            shape = shape.clone();
        }

        @Override public long[] shape() { return shape.clone(); }

        /** The shape without its first (batch) dimension. */
        public long[] rowShape() {
            return shape.length == 0 ? new long[0] : Arrays.copyOfRange(shape, 1, shape.length);
        }

        public int rank() { return shape.length; }

        /** Dimension {@code i}, counted from the end when negative. */
        public long dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

        public boolean integer() { return dtype.startsWith("int") || dtype.startsWith("uint"); }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape).replace("-1", "?");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Info i && i.name.equals(name) && i.dtype.equals(dtype) && Arrays.equals(i.shape, shape);
        }

        @Override
        public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }
    }

    /** One output of one run. */
    public record Tensor(Info info, float[] values) {
        public String name() { return info.name(); }

        public long[] shape() { return info.shape(); }

        /**
         * Row {@code r} along the first dimension (one frame's share of a batched output); empty when the output
         * has fewer rows (an unbatched output such as {@code [N, 7]} with fewer than r + 1 detections).
         */
        public float[] row(int r) {
            long[] s = info.shape;
            long rows = s.length == 0 ? 1 : s[0];
            if (r < 0) throw new IndexOutOfBoundsException("row " + r);
            if (r >= rows) return new float[0];
            int per = (int) (values.length / Math.max(1, rows));
            return Arrays.copyOfRange(values, r * per, (r + 1) * per);
        }
    }

    private final Map<String, Tensor> tensors;

    public Outputs(List<Tensor> tensors) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : tensors) m.put(t.name(), t);
        this.tensors = Collections.unmodifiableMap(m);
    }

    /** A run of a single output (tests, and engines of one-output models). */
    public static Outputs of(String name, long[] shape, float[] values) {
        return new Outputs(List.of(new Tensor(new Info(name, "float32", shape), values)));
    }

    /** Output names in the engine's {@link Engine#outputs()} order. */
    public java.util.Set<String> names() { return tensors.keySet(); }

    /** The named output; an {@link EngineException} when the run did not return it. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new EngineException("the run returned no output '" + name + "' (it returned " + tensors.keySet() + ")");
        return t;
    }

    /** One row per filled frame of a batched output: what classification and raw decoding read. */
    public float[][] rows(String name, int rows) {
        Tensor t = get(name);
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) out[r] = t.row(r);
        return out;
    }

    /** The shape of each output as this run returned it. */
    public List<Info> infos() {
        return tensors.values().stream().map(Tensor::info).toList();
    }
}
