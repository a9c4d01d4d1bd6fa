package io.edgesight.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.edgesight.tooling.OnnxWriter;

/** Small ONNX models written by the tests themselves, with outputs a test can compute by hand. */
public final class OnnxTestModels {
    private OnnxTestModels() {}

    /**
     * Image model: input "image" [batch, 3, h, w] (nchw) or [batch, h, w, 3], float32 or uint8 (batch -1 = dynamic)
     * -> output "mean" float32 [batch, 3], the per-channel mean of each image, channels in input order.
     */
    public static Path channelMean(Path file, long batch, int h, int w, boolean nchw, boolean uint8) throws IOException {
        OnnxWriter o = new OnnxWriter();
        Object b = batch > 0 ? (Object) batch : "batch";
        int type = uint8 ? OnnxWriter.UINT8 : OnnxWriter.FLOAT;
        if (nchw) o.input("image", type, b, 3, h, w);
        else o.input("image", type, b, h, w, 3);
        String x = "image";
        if (uint8) {
            o.node("Cast", List.of(x), "floats").attr("to", (long) OnnxWriter.FLOAT);
            x = "floats";
        }
        if (!nchw) {
            o.node("Transpose", List.of(x), "planar").attr("perm", 0L, 3L, 1L, 2L);
            x = "planar";
        }
        o.node("GlobalAveragePool", List.of(x), "pooled");
        o.node("Flatten", List.of("pooled"), "mean").attr("axis", 1L);
        o.output("mean", OnnxWriter.FLOAT, b, 3);
        return o.write(file);
    }

    public static Path channelMean(Path file, long batch, int h, int w) throws IOException {
        return channelMean(file, batch, h, w, true, false);
    }

    /** A model whose input is a plain vector [batch, 10]: not an image. */
    public static Path vectorModel(Path file) throws IOException {
        OnnxWriter o = new OnnxWriter();
        o.input("features", OnnxWriter.FLOAT, "batch", 10);
        o.initializer("two", new long[] {1}, new float[] {2f});
        o.node("Mul", List.of("features", "two"), "scores");
        o.output("scores", OnnxWriter.FLOAT, "batch", 10);
        return o.write(file);
    }
}
