import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import io.edgesight.tooling.ColourClassifier;
import io.edgesight.tooling.OnnxWriter;

/**
 * The ONNX models of the GPU runs that edgesight does not generate itself (deploy/gpu/h100.sh), written with the
 * project's ONNX writer:  java -cp target/edgesight.jar deploy/gpu/GpuModels.java OUTDIR
 *   detector.onnx         a small convolutional detector, [N,3,320,320] -> [N,400,6] (x1,y1,x2,y2,score,class,
 *                         normalised by a sigmoid), seed-drawn weights: its detections mean nothing, its cost is real
 *   bad-truncated.onnx    the colour classifier cut in half (TensorRT's parser cannot read it)
 *   bad-unknown-op.onnx   an op no ONNX runtime has (Frobnicate)
 *   bad-dynamic-hw.onnx   input [N,3,?,?]: no fixed height and width for TensorRT to build for
 */
public class GpuModels {
    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of(args[0]));
        detector(out.resolve("detector.onnx"));
        byte[] ok = Files.readAllBytes(ColourClassifier.write(out.resolve("colour.onnx")));
        Files.write(out.resolve("bad-truncated.onnx"), java.util.Arrays.copyOf(ok, ok.length / 2));
        Files.delete(out.resolve("colour.onnx"));
        OnnxWriter w = new OnnxWriter().graphName("unknown-op");
        w.input("image", OnnxWriter.FLOAT, "N", 3, 64, 64).output("scores", OnnxWriter.FLOAT, "N", 4);
        w.node("Frobnicate", List.of("image"), "scores");
        w.write(out.resolve("bad-unknown-op.onnx"));
        OnnxWriter d = new OnnxWriter().graphName("dynamic-hw");
        d.input("image", OnnxWriter.FLOAT, "N", 3, "H", "W").output("pooled", OnnxWriter.FLOAT, "N", 3);
        d.initializer("shape", new long[] {2}, new long[] {-1, 3});
        d.node("GlobalAveragePool", List.of("image"), "gap");
        d.node("Reshape", List.of("gap", "shape"), "pooled");
        d.write(out.resolve("bad-dynamic-hw.onnx"));
    }

    static void detector(Path file) throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        OnnxWriter w = new OnnxWriter().graphName("generated-detector");
        w.input("images", OnnxWriter.FLOAT, "N", 3, 320, 320).output("detections", OnnxWriter.FLOAT, "N", 400, 6);
        int[] ch = {3, 32, 64, 128, 128};
        String x = "images";
        for (int i = 0; i < 4; i++) {
            int in = ch[i], o = ch[i + 1];
            float[] wt = new float[o * in * 9];
            double s = Math.sqrt(2.0 / (in * 9));
            for (int k = 0; k < wt.length; k++) wt[k] = (float) (rnd.nextGaussian() * s);
            w.initializer("w" + i, new long[] {o, in, 3, 3}, wt);
            w.initializer("b" + i, new long[] {o}, new float[o]);
            w.node("Conv", List.of(x, "w" + i, "b" + i), "c" + i).attr("kernel_shape", 3, 3).attr("strides", 2, 2).attr("pads", 1, 1, 1, 1);
            w.node("Relu", List.of("c" + i), "r" + i);
            x = "r" + i;
        }
        float[] head = new float[6 * 128];
        for (int k = 0; k < head.length; k++) head[k] = (float) (rnd.nextGaussian() * 0.1);
        w.initializer("wh", new long[] {6, 128, 1, 1}, head);
        w.initializer("bh", new long[] {6}, new float[6]);
        w.node("Conv", List.of(x, "wh", "bh"), "head").attr("kernel_shape", 1, 1);
        w.initializer("flat", new long[] {3}, new long[] {-1, 6, 400});
        w.node("Reshape", List.of("head", "flat"), "hf");
        w.node("Transpose", List.of("hf"), "ht").attr("perm", 0, 2, 1);
        w.node("Sigmoid", List.of("ht"), "detections");
        w.write(file);
    }
}
