package io.edgesight.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.edgesight.tooling.OnnxWriter;

/**
 * ONNX graphs with the signatures of real detector exports (input and output names, shapes, element types) and
 * outputs the test chooses. Real YOLO weights cannot be downloaded here, so each output is a constant the test
 * writes, plus zero times the input image's mean: the graph really reads its input, and batched outputs take the
 * input's batch dimension (a {@code [1, ...]} constant is repeated for every frame, a {@code [B, ...]} one gives
 * each frame its own rows).
 */
public final class DetectorGraphs {
    public static final int INT32 = 6;

    private final OnnxWriter o = new OnnxWriter();
    private final Object batch;
    private int n;

    /**
     * @param input    the image input's name ("images" for Ultralytics and YOLOv7, "input" for YOLO-NAS)
     * @param uint8    uint8 pixels (YOLO-NAS with its preprocessing) rather than float32
     * @param batch    a fixed batch size, or a String for a symbolic (dynamic) one
     */
    public DetectorGraphs(String input, boolean uint8, Object batch, int height, int width) {
        this(input, uint8, batch, height, width, true);
    }

    /** As above; {@code nchw} false: the input is [batch, height, width, 3] (TensorFlow exports, tf2onnx). */
    public DetectorGraphs(String input, boolean uint8, Object batch, int height, int width, boolean nchw) {
        this.batch = batch;
        o.metadata("generator", "edgesight tests: " + DetectorGraphs.class.getSimpleName());
        if (nchw) o.input(input, uint8 ? OnnxWriter.UINT8 : OnnxWriter.FLOAT, batch, 3, height, width);
        else o.input(input, uint8 ? OnnxWriter.UINT8 : OnnxWriter.FLOAT, batch, height, width, 3);
        String x = input;
        if (uint8) {
            o.node("Cast", List.of(x), "image_f").attr("to", (long) OnnxWriter.FLOAT);
            x = "image_f";
        }
        o.node("ReduceMean", List.of(x), "image_mean").attr("axes", 1L, 2L, 3L).attr("keepdims", 1L);
        o.initializer("zero", new long[] {1}, new float[] {0f});
        o.node("Mul", List.of("image_mean", "zero"), "zero4"); // [B, 1, 1, 1] of zeros
        o.node("ReduceMean", List.of("zero4"), "zero_scalar").attr("keepdims", 0L);
    }

    /**
     * An output {@code name} of type {@code elemType} ({@link OnnxWriter#FLOAT}, {@link OnnxWriter#INT64},
     * {@link #INT32}) declared with {@code dims} (Numbers, or Strings for symbolic sizes), whose value is
     * {@code values} shaped {@code valueDims}. {@code batched}: the first dimension is the batch.
     */
    public DetectorGraphs output(String name, int elemType, Object[] dims, long[] valueDims, float[] values, boolean batched) {
        String c = "const" + (n++);
        o.initializer(c, valueDims, values);
        String zero = "zero_scalar";
        if (batched) {
            long[] shape = new long[valueDims.length];
            java.util.Arrays.fill(shape, 1);
            shape[0] = -1;
            o.initializer(c + "_shape", new long[] {shape.length}, shape);
            o.node("Reshape", List.of("zero4", c + "_shape"), c + "_zero");
            zero = c + "_zero";
        }
        String sum = elemType == OnnxWriter.FLOAT ? name : c + "_sum";
        o.node("Add", List.of(c, zero), sum);
        if (elemType != OnnxWriter.FLOAT) o.node("Cast", List.of(sum), name).attr("to", (long) elemType);
        o.output(name, elemType, dims);
        return this;
    }

    /**
     * As {@link #output}, but only the first {@code keep} rows along the detection axis (1 when batched, else 0)
     * come out, cut at run time by a Slice: the way NMS exports produce a data-dependent count, down to 0.
     */
    public DetectorGraphs slicedOutput(String name, Object[] dims, long[] valueDims, float[] values, boolean batched, long keep) {
        String full = name + "_full";
        output(full, OnnxWriter.FLOAT, dims, valueDims, values, batched);
        String c = "slice" + (n++);
        o.initializer(c + "_starts", new long[] {1}, new long[] {0});
        o.initializer(c + "_ends", new long[] {1}, new long[] {keep});
        o.initializer(c + "_axes", new long[] {1}, new long[] {batched ? 1 : 0});
        o.node("Slice", List.of(full, c + "_starts", c + "_ends", c + "_axes"), name);
        o.output(name, OnnxWriter.FLOAT, dims);
        return this;
    }

    /** The batch dimension as declared at construction. */
    public Object batch() { return batch; }

    public Path write(Path file) throws IOException {
        return o.write(file);
    }

    /** A [rows, cols] table's values, row after row. */
    public static float[] rows(float[]... rows) {
        List<Float> all = new ArrayList<>();
        for (float[] r : rows) for (float v : r) all.add(v);
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) out[i] = all.get(i);
        return out;
    }
}
