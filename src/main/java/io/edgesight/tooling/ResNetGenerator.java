package io.edgesight.tooling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;

/**
 * ResNet v1.5 (the torchvision/MLPerf variant: stride 2 in the 3x3 convolution of each bottleneck) with weights
 * drawn from a seed, written as the same network twice: an ONNX model (NCHW input {@code [batch, 3, s, s]}, the
 * PyTorch export layout) and a frozen TensorFlow SavedModel (NHWC input {@code [batch, s, s, 3]}, weights as graph
 * constants, like {@code SampleModelTrainer}'s export). Same weights, same arithmetic: convolutions with TensorFlow's
 * SAME padding (written as explicit, possibly asymmetric pads in ONNX), batch normalisation in inference mode,
 * ReLU, max pooling, global average pooling, a dense layer and softmax; the two models agree to float rounding.
 * {@link Config#resnet50()} is ResNet-50 (25.6 M parameters); smaller configs are for tests.
 *
 * <p>Random weights are for speed measurements only: He-normal convolutions, batch-norm statistics drawn near
 * (0, 1) and the last batch norm of each residual branch scaled by 0.2 so activations neither vanish nor explode
 * over 16 blocks.
 */
public final class ResNetGenerator {

    /** Blocks per stage, base width (64 for ResNet-50), input size, classes. */
    public record Config(int[] blocks, int width, int inputSize, int classes) {
        public static Config resnet50() {
            return new Config(new int[] {3, 4, 6, 3}, 64, 224, 1000);
        }
    }

    public static final String INPUT = "image";
    public static final String OUTPUT = "probabilities";
    static final float EPSILON = 1e-5f;

    /** One convolution + batch norm (+ ReLU), weights in OIHW. */
    record ConvBn(String name, int out, int in, int k, int stride, float[] w, float[] gamma, float[] beta, float[] mean,
                  float[] var, boolean relu) {}

    /** A bottleneck: three ConvBn and the projection shortcut of a stage's first block (or null). */
    record Block(ConvBn a, ConvBn b, ConvBn c, ConvBn shortcut) {}

    /** The whole network's weights. */
    record Net(Config config, ConvBn stem, List<Block> blocks, float[] fcW, float[] fcB, int features) {
        long parameters() {
            long n = count(stem);
            for (Block b : blocks) n += count(b.a) + count(b.b) + count(b.c) + (b.shortcut == null ? 0 : count(b.shortcut));
            return n + fcW.length + fcB.length;
        }

        private static long count(ConvBn c) {
            return c.w.length + 4L * c.out;
        }
    }

    private ResNetGenerator() {}

    /** Draws the weights of {@code config} from {@code seed}. */
    static Net weights(Config config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ConvBn stem = convBn("stem", config.width, 3, 7, 2, true, 1f, rnd);
        List<Block> blocks = new ArrayList<>();
        int in = config.width;
        for (int s = 0; s < config.blocks.length; s++) {
            int w = config.width << s;
            for (int i = 0; i < config.blocks[s]; i++) {
                int stride = i == 0 && s > 0 ? 2 : 1;
                String n = "stage" + (s + 1) + ".block" + (i + 1);
                ConvBn a = convBn(n + ".conv1", w, in, 1, 1, true, 1f, rnd);
                ConvBn b = convBn(n + ".conv2", w, w, 3, stride, true, 1f, rnd);
                ConvBn c = convBn(n + ".conv3", 4 * w, w, 1, 1, false, 0.2f, rnd);
                ConvBn sc = i == 0 ? convBn(n + ".downsample", 4 * w, in, 1, stride, false, 1f, rnd) : null;
                blocks.add(new Block(a, b, c, sc));
                in = 4 * w;
            }
        }
        float[] fcW = new float[config.classes * in]; // [classes, features] (Gemm transB)
        double std = Math.sqrt(1.0 / in);
        for (int i = 0; i < fcW.length; i++) fcW[i] = (float) (gaussian(rnd) * std);
        float[] fcB = new float[config.classes];
        for (int i = 0; i < fcB.length; i++) fcB[i] = (float) (gaussian(rnd) * 0.01);
        return new Net(config, stem, blocks, fcW, fcB, in);
    }

    private static ConvBn convBn(String name, int out, int in, int k, int stride, boolean relu, float gammaScale, SplittableRandom rnd) {
        float[] w = new float[out * in * k * k];
        double std = Math.sqrt(2.0 / (in * k * k));
        for (int i = 0; i < w.length; i++) w[i] = (float) (gaussian(rnd) * std);
        float[] gamma = new float[out], beta = new float[out], mean = new float[out], var = new float[out];
        for (int c = 0; c < out; c++) {
            gamma[c] = (float) (gammaScale * (1 + 0.1 * gaussian(rnd)));
            beta[c] = (float) (0.05 * gaussian(rnd));
            mean[c] = (float) (0.1 * gaussian(rnd));
            var[c] = (float) (1 + 0.2 * rnd.nextDouble());
        }
        return new ConvBn(name, out, in, k, stride, w, gamma, beta, mean, var, relu);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** TensorFlow's SAME padding of one spatial dimension: {before, after} and the output size. */
    static int[] same(int in, int k, int stride) {
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k - in, 0);
        return new int[] {total / 2, total - total / 2, out};
    }

    // ------------------------------------------------------------------ ONNX

    /**
     * Writes the ONNX model; {@code batch} &lt;= 0 gives a dynamic batch dimension. Opset 17, NCHW.
     */
    public static Path writeOnnx(Config config, long seed, int batch, Path file) throws IOException {
        return writeOnnx(weights(config, seed), batch, file);
    }

    static Path writeOnnx(Net net, int batch, Path file) throws IOException {
        Config cfg = net.config;
        Object b = batch > 0 ? (Object) batch : "batch";
        OnnxWriter w = new OnnxWriter().graphName("resnet50_v1_5").metadata("generator", ResNetGenerator.class.getName());
        w.input(INPUT, OnnxWriter.FLOAT, b, 3, cfg.inputSize, cfg.inputSize);
        int[] size = {cfg.inputSize};
        String x = conv(w, net.stem, INPUT, size);
        int[] p = same(size[0], 3, 2);
        w.node("MaxPool", List.of(x), "stem.pool").attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L)
                .attr("pads", p[0], p[0], p[1], p[1]);
        x = "stem.pool";
        size[0] = p[2];
        for (Block blk : net.blocks) {
            int[] s0 = {size[0]};
            String a = conv(w, blk.a, x, size);
            String bb = conv(w, blk.b, a, size);
            String c = conv(w, blk.c, bb, size);
            String shortcut = blk.shortcut == null ? x : conv(w, blk.shortcut, x, s0);
            String name = blk.a.name.substring(0, blk.a.name.lastIndexOf('.'));
            w.node("Add", List.of(c, shortcut), name + ".add");
            w.node("Relu", List.of(name + ".add"), name + ".out");
            x = name + ".out";
        }
        w.node("GlobalAveragePool", List.of(x), "pool");
        w.node("Flatten", List.of("pool"), "features").attr("axis", 1L);
        w.initializer("fc.weight", new long[] {cfg.classes, net.features}, net.fcW);
        w.initializer("fc.bias", new long[] {cfg.classes}, net.fcB);
        w.node("Gemm", List.of("features", "fc.weight", "fc.bias"), "logits").attr("transB", 1L);
        w.node("Softmax", List.of("logits"), OUTPUT).attr("axis", 1L);
        w.output(OUTPUT, OnnxWriter.FLOAT, b, cfg.classes);
        return w.write(file);
    }

    private static String conv(OnnxWriter w, ConvBn c, String in, int[] size) {
        int[] p = same(size[0], c.k, c.stride);
        w.initializer(c.name + ".weight", new long[] {c.out, c.in, c.k, c.k}, c.w);
        w.node("Conv", List.of(in, c.name + ".weight"), c.name)
                .attr("kernel_shape", c.k, c.k).attr("strides", c.stride, c.stride).attr("pads", p[0], p[0], p[1], p[1]);
        long[] d = {c.out};
        w.initializer(c.name + ".bn.scale", d, c.gamma);
        w.initializer(c.name + ".bn.bias", d, c.beta);
        w.initializer(c.name + ".bn.mean", d, c.mean);
        w.initializer(c.name + ".bn.var", d, c.var);
        w.node("BatchNormalization", List.of(c.name, c.name + ".bn.scale", c.name + ".bn.bias", c.name + ".bn.mean",
                c.name + ".bn.var"), c.name + ".bn").attr("epsilon", EPSILON);
        size[0] = p[2];
        if (!c.relu) return c.name + ".bn";
        w.node("Relu", List.of(c.name + ".bn"), c.name + ".relu");
        return c.name + ".relu";
    }

    // ------------------------------------------------------------------ TensorFlow

    /** Writes the frozen SavedModel (signature serving_default: image [batch, s, s, 3] -> probabilities), replacing dir. */
    public static Path writeSavedModel(Config config, long seed, int batch, Path dir) throws IOException {
        return writeSavedModel(weights(config, seed), batch, dir);
    }

    static Path writeSavedModel(Net net, int batch, Path dir) throws IOException {
        Config cfg = net.config;
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp");
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.withName(INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(batch > 0 ? batch : -1, cfg.inputSize, cfg.inputSize, 3)));
            Operand<TFloat32> x = conv(tf, net.stem, in);
            x = tf.nn.maxPool(x, tf.constant(new int[] {1, 3, 3, 1}), tf.constant(new int[] {1, 2, 2, 1}), "SAME");
            for (Block blk : net.blocks) {
                Operand<TFloat32> y = conv(tf, blk.c, conv(tf, blk.b, conv(tf, blk.a, x)));
                Operand<TFloat32> shortcut = blk.shortcut == null ? x : conv(tf, blk.shortcut, x);
                x = tf.nn.relu(tf.math.add(y, shortcut));
            }
            Operand<TFloat32> pooled = tf.math.mean(x, tf.constant(new int[] {1, 2}));
            // ONNX Gemm weight is [classes, features]; TensorFlow's matMul wants [features, classes]
            float[] fc = new float[net.fcW.length];
            for (int o = 0; o < cfg.classes; o++)
                for (int i = 0; i < net.features; i++) fc[i * cfg.classes + o] = net.fcW[o * net.features + i];
            Operand<TFloat32> logits = tf.nn.biasAdd(
                    tf.linalg.matMul(pooled, tf.constant(Shape.of(net.features, cfg.classes), DataBuffers.of(fc))),
                    tf.constant(Shape.of(cfg.classes), DataBuffers.of(net.fcB)));
            Operand<TFloat32> probs = tf.withName(OUTPUT).nn.softmax(logits);
            Signature sig = Signature.builder().key(Signature.DEFAULT_KEY).methodName("tensorflow/serving/predict")
                    .input(INPUT, in).output(OUTPUT, probs).build();
            SavedModelBundle.exporter(tmp.toString()).withFunction(SessionFunction.create(sig, s)).export();
        }
        Path vars = tmp.resolve("variables");
        if (Files.isDirectory(vars)) {
            try (Stream<Path> st = Files.list(vars)) {
                if (st.findAny().isEmpty()) Files.delete(vars);
            }
        }
        try {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system
        }
        if (Files.exists(abs)) deleteTree(abs);
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    private static Operand<TFloat32> conv(Ops tf, ConvBn c, Operand<TFloat32> in) {
        // OIHW -> HWIO
        float[] hwio = new float[c.w.length];
        for (int o = 0; o < c.out; o++)
            for (int i = 0; i < c.in; i++)
                for (int y = 0; y < c.k; y++)
                    for (int x = 0; x < c.k; x++)
                        hwio[((y * c.k + x) * c.in + i) * c.out + o] = c.w[((o * c.in + i) * c.k + y) * c.k + x];
        Operand<TFloat32> filter = tf.constant(Shape.of(c.k, c.k, c.in, c.out), DataBuffers.of(hwio));
        Operand<TFloat32> y = tf.nn.conv2d(in, filter, List.of(1L, (long) c.stride, (long) c.stride, 1L), "SAME");
        Shape d = Shape.of(c.out);
        FusedBatchNorm<TFloat32, TFloat32> bn = tf.nn.fusedBatchNorm(y,
                tf.constant(d, DataBuffers.of(c.gamma)), tf.constant(d, DataBuffers.of(c.beta)),
                tf.constant(d, DataBuffers.of(c.mean)), tf.constant(d, DataBuffers.of(c.var)),
                FusedBatchNorm.epsilon(EPSILON), FusedBatchNorm.isTraining(false));
        return c.relu ? tf.nn.relu(bn.y()) : bn.y();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> st = Files.walk(dir)) {
            for (Path p : st.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
