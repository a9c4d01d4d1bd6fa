package io.edgesight.tooling;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.edgesight.engine.SavedModelFiles;
import io.edgesight.sample.ShapeRenderer;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.math.Mean;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;

/**
 * Trains the embedded sample model: a tiny CNN that tells the four {@link ShapeRenderer} classes
 * apart, exported as a frozen SavedModel (weights are graph constants, no variables/ needed).
 *
 * <p>Signature {@code serving_default}: input {@code image} float32 [-1,64,64,3] RGB in 0..1,
 * output {@code logits} float32 [-1,4] in {@link ShapeRenderer#LABELS} order.
 */
public final class SampleModelTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(SampleModelTrainer.class);

  public static final int INPUT_SIZE = 64;
  public static final String INPUT_NAME = "image";
  public static final String OUTPUT_NAME = "logits";
  public static final String METHOD_NAME = "tensorflow/serving/predict";
  public static final int FRAME_WIDTH = 640, FRAME_HEIGHT = 480;

  private static final int PIXELS = INPUT_SIZE * INPUT_SIZE * 3;
  private static final int CLASSES = ShapeRenderer.LABELS.size();
  private static final int[] CHANNELS = {3, 16, 32, 32}; // three 3x3 stride-2 convs: 64->32->16->8
  private static final List<Long> STRIDE2 = List.of(1L, 2L, 2L, 1L);
  private static final int BATCH = 32, POOL_PER_CLASS = 500, HELD_OUT = 1000;
  private static final float LEARNING_RATE = 0.005f;

  /** Outcome of {@link #train}. {@code finalLoss} is the mean loss of the last 10% of steps. */
  public record TrainReport(
      int steps, float finalLoss, double heldOutAccuracy, int heldOutSamples, long trainMillis, Path modelDir) {}

  private SampleModelTrainer() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: SampleModelTrainer <outDir> [seed=42] [steps=600]");
      System.exit(2);
    }
    TrainReport r = train(Path.of(args[0]),
        args.length > 1 ? Long.parseLong(args[1]) : 42L,
        args.length > 2 ? Integer.parseInt(args[2]) : 600);
    LOG.info("{}", r);
  }

  /**
   * The runtime pipeline's preprocessing, kept identical here: INTER_AREA resize of a CV_8UC3 BGR
   * frame to 64x64, BGR to RGB, bytes / 255. Writes {@code 64*64*3} floats (HWC) into {@code dst} at {@code offset}.
   */
  public static void preprocess(Mat bgr, float[] dst, int offset) {
    byte[] px = new byte[PIXELS];
    try (Mat small = new Mat(); Mat rgb = new Mat(); Size size = new Size(INPUT_SIZE, INPUT_SIZE)) {
      resize(bgr, small, size, 0, 0, INTER_AREA);
      cvtColor(small, rgb, COLOR_BGR2RGB);
      rgb.data().get(px);
    }
    for (int i = 0; i < PIXELS; i++) dst[offset + i] = (px[i] & 0xff) / 255f;
  }

  /** Trains with {@code seed}, exports to {@code outDir} (replaced atomically), evaluates it. */
  public static TrainReport train(Path outDir, long seed, int steps) throws IOException {
    if (steps < 1) throw new IllegalArgumentException("steps must be >= 1");
    long t0 = System.nanoTime();
    Random rnd = new Random(seed);

    // A fixed pool of rendered frames is much cheaper than rendering 640x480 per sample per step.
    int n = POOL_PER_CLASS * CLASSES;
    float[] pool = new float[n * PIXELS];
    int[] poolLabels = new int[n];
    renderSet(rnd, pool, poolLabels);
    LOG.info("rendered {} training frames in {} ms", n, (System.nanoTime() - t0) / 1_000_000);

    List<float[]> weights = initWeights(rnd);
    float finalLoss;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, INPUT_SIZE, INPUT_SIZE, 3)));
      Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, CLASSES)));
      List<Operand<TFloat32>> vars = new ArrayList<>();
      for (int i = 0; i < weights.size(); i++) vars.add(tf.variable(tf.constant(paramShape(i), DataBuffers.of(weights.get(i)))));
      Operand<TFloat32> logits = network(tf, x, vars);
      Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, y).loss(), tf.constant(0));
      Op minimize = new Adam(g, LEARNING_RATE).minimize(loss);

      float[] bx = new float[BATCH * PIXELS], by = new float[BATCH * CLASSES];
      int logEvery = Math.max(1, steps / 20), tail = Math.max(1, steps / 10);
      double tailSum = 0;
      for (int step = 1; step <= steps; step++) {
        Arrays.fill(by, 0f);
        for (int b = 0; b < BATCH; b++) {
          int k = rnd.nextInt(n);
          System.arraycopy(pool, k * PIXELS, bx, b * PIXELS, PIXELS);
          by[b * CLASSES + poolLabels[k]] = 1f;
        }
        float l;
        try (TFloat32 tx = TFloat32.tensorOf(Shape.of(BATCH, INPUT_SIZE, INPUT_SIZE, 3), DataBuffers.of(bx, true, false));
            TFloat32 ty = TFloat32.tensorOf(Shape.of(BATCH, CLASSES), DataBuffers.of(by, true, false));
            Result r = s.runner().feed(x, tx).feed(y, ty).addTarget(minimize).fetch(loss).run()) {
          l = ((TFloat32) r.get(0)).getFloat();
        }
        if (step > steps - tail) tailSum += l;
        if (step % logEvery == 0 || step == 1) LOG.info("step {}/{} loss {}", step, steps, String.format("%.5f", l));
      }
      finalLoss = (float) (tailSum / tail);
      // Read the trained values back for freezing.
      for (int i = 0; i < vars.size(); i++) {
        try (Result r = s.runner().fetch(vars.get(i)).run()) {
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(weights.get(i), false, false));
        }
      }
    }

    exportFrozen(outDir, weights);
    long trainMillis = (System.nanoTime() - t0) / 1_000_000;
    double acc = evaluate(outDir, new Random(seed ^ 0x5DEECE66DL), HELD_OUT);
    TrainReport report = new TrainReport(steps, finalLoss, acc, HELD_OUT, trainMillis, outDir);
    LOG.info("trained in {} ms, final loss {}, held-out accuracy {} on {} fresh frames",
        trainMillis, String.format("%.6f", finalLoss), String.format("%.4f", acc), HELD_OUT);
    return report;
  }

  /** Accuracy of the SavedModel in {@code modelDir} on {@code count} freshly rendered frames. */
  public static double evaluate(Path modelDir, Random rnd, int count) {
    int[] labels = new int[count];
    float[] images = new float[count * PIXELS];
    renderSet(rnd, images, labels);
    try (SavedModelBundle model = SavedModelBundle.load(modelDir.toString(), SavedModelBundle.DEFAULT_TAG)) {
      int[] pred = predict(model, images, count);
      int ok = 0;
      for (int i = 0; i < count; i++) if (pred[i] == labels[i]) ok++;
      return ok / (double) count;
    }
  }

  /** Runs {@code serving_default} on {@code count} preprocessed images; returns argmax class ids. */
  public static int[] predict(SavedModelBundle model, float[] images, int count) {
    int[] out = new int[count];
    float[] logits = new float[count * CLASSES];
    try (TFloat32 in = TFloat32.tensorOf(Shape.of(count, INPUT_SIZE, INPUT_SIZE, 3), DataBuffers.of(images, true, false));
        Result r = model.function(Signature.DEFAULT_KEY).call(Map.of(INPUT_NAME, in))) {
      ((TFloat32) r.get(OUTPUT_NAME).orElseThrow()).copyTo(DataBuffers.of(logits, false, false));
    }
    for (int i = 0; i < count; i++) {
      int best = 0;
      for (int c = 1; c < CLASSES; c++) if (logits[i * CLASSES + c] > logits[i * CLASSES + best]) best = c;
      out[i] = best;
    }
    return out;
  }

  /** Renders balanced, shuffled 640x480 frames and preprocesses them into {@code images}. */
  private static void renderSet(Random rnd, float[] images, int[] labels) {
    for (int i = 0; i < labels.length; i++) labels[i] = i % CLASSES;
    for (int i = labels.length - 1; i > 0; i--) { // Fisher-Yates with the seeded Random
      int j = rnd.nextInt(i + 1), t = labels[i];
      labels[i] = labels[j];
      labels[j] = t;
    }
    for (int i = 0; i < labels.length; i++) {
      try (Mat m = ShapeRenderer.render(labels[i], FRAME_WIDTH, FRAME_HEIGHT, rnd)) {
        preprocess(m, images, i * PIXELS);
      }
    }
  }

  /** Per-image channel centring, conv(3x3, stride 2, SAME)+ReLU x3, global average pool, dense -> logits. Same code for training and export. */
  private static Operand<TFloat32> network(Ops tf, Operand<TFloat32> x, List<Operand<TFloat32>> p) {
    // Subtract each image's per-channel mean: a uniform colour cast (camera white balance, codec
    // tint) cancels out instead of shifting the pooled colour features.
    x = tf.math.sub(x, tf.math.mean(x, tf.constant(new int[] {1, 2}), Mean.keepDims(true)));
    for (int i = 0; i < 3; i++) {
      x = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, p.get(2 * i), STRIDE2, "SAME"), p.get(2 * i + 1)));
    }
    Operand<TFloat32> pooled = tf.math.mean(x, tf.constant(new int[] {1, 2}));
    return tf.nn.biasAdd(tf.linalg.matMul(pooled, p.get(6)), p.get(7));
  }

  /** Parameter i: even = weights (HWIO conv kernels, then the [32,4] dense matrix), odd = bias. */
  private static Shape paramShape(int i) {
    int layer = i / 2;
    if (layer < 3) return i % 2 == 0 ? Shape.of(3, 3, CHANNELS[layer], CHANNELS[layer + 1]) : Shape.of(CHANNELS[layer + 1]);
    return i % 2 == 0 ? Shape.of(CHANNELS[3], CLASSES) : Shape.of(CLASSES);
  }

  /** He-normal weights from the seeded Random (deterministic, unlike TF's stateful RNG ops), zero biases. */
  private static List<float[]> initWeights(Random rnd) {
    List<float[]> w = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Shape s = paramShape(i);
      float[] a = new float[(int) s.size()];
      if (i % 2 == 0) {
        double std = Math.sqrt(2.0 / (s.size() / s.get(s.numDimensions() - 1))); // fan_in
        for (int k = 0; k < a.length; k++) a[k] = (float) (rnd.nextGaussian() * std);
      }
      w.add(a);
    }
    return w;
  }

  /** Builds an inference graph with the weights as constants and exports it, replacing outDir. */
  private static void exportFrozen(Path outDir, List<float[]> weights) throws IOException {
    Path abs = outDir.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempDirectory(abs.getParent(), abs.getFileName() + ".tmp");
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.withName(INPUT_NAME)
          .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, INPUT_SIZE, INPUT_SIZE, 3)));
      List<Operand<TFloat32>> consts = new ArrayList<>();
      for (int i = 0; i < weights.size(); i++) consts.add(tf.constant(paramShape(i), DataBuffers.of(weights.get(i))));
      Operand<TFloat32> logits = tf.withName(OUTPUT_NAME).identity(network(tf, in, consts));
      Signature sig = Signature.builder().key(Signature.DEFAULT_KEY).methodName(METHOD_NAME)
          .input(INPUT_NAME, in).output(OUTPUT_NAME, logits).build();
      // With no variables, Graph.saverDef() adds a trivial save (Identity) / restore (NoOp) pair;
      // Session.save writes nothing and the loader skips restoring when variables.index is absent.
      SavedModelBundle.exporter(tmp.toString()).withFunction(SessionFunction.create(sig, s)).export();
    }
    SavedModelFiles.canonicalize(tmp.resolve("saved_model.pb"));
    Path vars = tmp.resolve("variables");
    try (Stream<Path> st = Files.list(vars)) {
      if (st.findAny().isEmpty()) Files.delete(vars); // nothing was saved: keep the model dir minimal
    }
    Files.write(tmp.resolve("labels.txt"), ShapeRenderer.LABELS, StandardCharsets.UTF_8);
    try { // createTempDirectory makes it rwx------; a committed model dir should be world-readable
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException ignored) {
      // non-POSIX file system
    }
    SavedModelFiles.replaceDir(tmp, abs);
  }

}
