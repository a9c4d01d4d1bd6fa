package io.edgesight.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.edgesight.engine.SavedModelFiles;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Generates a ResNet-50 benchmark model with random weights as a frozen SavedModel: the layers and shapes of
 * {@code tf.keras.applications.ResNet50} (with top), weights as graph constants, no variables.
 *
 * <p>Signature {@code serving_default}: input {@code input_1} float32 [-1,224,224,3] NHWC, output
 * {@code predictions} float32 [-1,1000] (softmax probabilities). Like Keras' ResNet50 it is meant for
 * "caffe" input: BGR pixels minus the ImageNet means ({@code normalize=caffe, channel-order=BGR}); the BN
 * statistics are calibrated for that range, other ranges (0..1, -1..1) were not tried.
 *
 * <p>Graph: ZeroPadding(3) + Conv 7x7/2 64 + BN + ReLU, ZeroPadding(1) + MaxPool 3x3/2, bottleneck stages
 * [3,4,6,3] with filters (64,256), (128,512), (256,1024), (512,2048), a 1x1 projection shortcut in the first
 * block of each stage (stride 1 in conv2, 2 in conv3..conv5), global average pool, dense 1000 + softmax.
 * {@code v15=false} is Keras' ResNet50 ("v1": the stride is on the block's first 1x1 conv); {@code v15=true}
 * puts it on the 3x3 conv (torchvision / NVIDIA "v1.5", TF "SAME" padding). Op names follow Keras
 * ({@code conv2_block1_1_conv/Conv2D}, {@code conv2_block1_1_bn/FusedBatchNormV3}, ...).
 *
 * <p>BatchNorm is <b>not</b> folded: every BN is a {@code FusedBatchNormV3} op in inference mode
 * ({@code is_training=false}, epsilon 1.001e-5) with constant gamma, beta, moving mean and moving variance, as in
 * a frozen Keras model; folding or fusing Conv+BN is left to TensorFlow at load time (Grappler's remapper does it
 * for inference on CPU), as it would be for a real model. The convolutions have no bias (a conv bias in front of a BN is absorbed by the
 * BN's moving mean, so Keras' conv biases add parameters but no function). Hence:
 * <ul>
 *   <li>learned parameters {@value #PARAMETERS} = conv kernels 23,454,912 + BN gamma and beta 2 x 26,560 +
 *       dense 2048x1000 + 1000 (the number torchvision reports for its ResNet-50);</li>
 *   <li>plus {@value #BN_STATISTICS} BN moving statistics (2 x 26,560), stored but not learned: the SavedModel
 *       holds {@value #STORED_FLOATS} floats;</li>
 *   <li>Keras' 25,636,712 = this + 26,560 conv biases; Keras' "trainable" 25,583,592 = learned + conv biases.</li>
 * </ul>
 *
 * <p>Weights: conv kernels and the dense kernel He-normal (std sqrt(2/fan_in)), BN gamma uniform in
 * [0.75,1.25], beta uniform in [-0.1,0.1], dense bias 0, each tensor from its own {@link Random} seeded with
 * the seed and the tensor's name (so the same seed gives the same learned weights for any input size and both
 * variants). With BN statistics of 0/1, He-scaled kernels would let the residual stream grow block after block
 * (each block adds a branch as large as its input); instead the moving mean and variance are <i>calibrated</i>: one forward pass with BN
 * in training mode on a seeded batch of synthetic images at the model's input size (see
 * {@link #calibrationImages}), the batch statistics becoming the moving statistics. So every BN
 * output is about unit variance, the way a trained network's are, and the softmax is neither NaN nor one-hot.
 * The calibration runs on one thread, so the same seed gives the same bytes on the same machine.
 *
 * <p>Memory: the weights are generated one tensor at a time into native tensors for the calibration run, then
 * moved one by one into the protobuf that is streamed to {@code saved_model.pb}; the structure graph holds
 * placeholders, not weights. Peak: about one copy of the weights (~100 MB) plus one tensor.
 */
public final class ResNet50Generator {

  private static final Logger LOG = LoggerFactory.getLogger(ResNet50Generator.class);

  public static final int INPUT_SIZE = 224;
  public static final int CLASSES = 1000;
  public static final String INPUT_NAME = "input_1";
  public static final String OUTPUT_NAME = "predictions";
  /** The output tensor behind the {@code predictions} signature key (Keras' naming). */
  public static final String OUTPUT_TENSOR = "predictions/Softmax:0";
  public static final String METHOD_NAME = "tensorflow/serving/predict";
  public static final float BN_EPSILON = 1.001e-5f;

  /** Learned parameters: conv kernels (no conv bias), BN gamma and beta, dense kernel and bias. */
  public static final long PARAMETERS = 25_557_032L;
  /** BN moving mean and variance: 2 per BN channel, 26,560 BN channels. */
  public static final long BN_STATISTICS = 53_120L;
  /** Floats in the SavedModel. */
  public static final long STORED_FLOATS = PARAMETERS + BN_STATISTICS;
  /** {@code tf.keras.applications.ResNet50().count_params()}: also counts a bias per conv channel. */
  public static final long KERAS_PARAMETERS = 25_636_712L;

  static final long CALIBRATION_PIXELS = 6L * 224 * 224;
  static final int[] BLOCKS = {3, 4, 6, 3};
  static final int[] FILTERS = {64, 128, 256, 512};
  static final double[] CAFFE_MEAN_BGR = {103.939, 116.779, 123.68};
  static final int MIN_INPUT_SIZE = 32; // stage conv5 is 1x1 at 32x32

  /** What a weight tensor is. BN statistics are calibrated, everything else is drawn from the seed. */
  enum Kind {
    CONV_KERNEL, BN_GAMMA, BN_BETA, BN_MEAN, BN_VARIANCE, DENSE_KERNEL, DENSE_BIAS;

    boolean learned() {
      return this != BN_MEAN && this != BN_VARIANCE;
    }
  }

  /** One weight tensor of the graph: a placeholder while building, a constant in the exported model. */
  record Param(String name, Kind kind, Shape shape, Placeholder<TFloat32> node) {}

  private ResNet50Generator() {}

  /** Generates the 224x224 model into {@code outDir} (replaced atomically) and returns it. */
  public static Path generate(Path outDir, long seed, boolean v15) throws IOException {
    return generate(outDir, seed, v15, INPUT_SIZE);
  }

  /** Same network for a square input of {@code inputSize} pixels (>= 32); the weights do not depend on it. */
  public static Path generate(Path outDir, long seed, boolean v15, int inputSize) throws IOException {
    if (inputSize < MIN_INPUT_SIZE) throw new IllegalArgumentException("input size must be >= " + MIN_INPUT_SIZE);
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalStateException("tensor_content is written in native order, which must be little-endian");
    }
    long t0 = System.nanoTime();
    String variant = v15 ? "v1.5" : "v1";
    LOG.info("ResNet-50 {}: input {}x{}x3, {} classes, seed {}", variant, inputSize, inputSize, CLASSES, seed);

    // 1. Draw the learned weights and calibrate the BN statistics with one training-mode forward pass.
    Map<String, ByteString> values = new HashMap<>();
    calibrate(inputSize, v15, seed, values);

    // 2. The inference graph with placeholders for the weights, then the placeholders become constants.
    GraphDef structure;
    List<Param> params;
    try (Graph g = new Graph()) {
      Net net = new Net(g, inputSize, v15, false, s -> {});
      params = net.params;
      structure = g.toGraphDef();
    }
    long[] counts = count(params);
    LOG.info("parameters: {} learned + {} BN statistics = {} floats ({}); Keras counts {} (+ a bias per conv channel)",
        fmt(counts[0]), fmt(counts[1]), fmt(counts[0] + counts[1]), mb(4 * (counts[0] + counts[1])), fmt(KERAS_PARAMETERS));
    if (counts[0] != PARAMETERS || counts[1] != BN_STATISTICS) {
      throw new IllegalStateException("parameter count " + counts[0] + " + " + counts[1] + ", expected "
          + PARAMETERS + " + " + BN_STATISTICS);
    }
    SavedModel model = savedModel(freeze(structure, params, values), inputSize);
    values.clear(); // the model now holds the only references to the weight bytes

    Path abs = outDir.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempDirectory(abs.getParent(), abs.getFileName() + ".tmp");
    try {
      long tw = System.nanoTime();
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp.resolve("saved_model.pb")), 1 << 20)) {
        // Deterministic: attrs and signatures are maps, which would otherwise be written in hash order.
        CodedOutputStream cos = CodedOutputStream.newInstance(os, 1 << 16);
        cos.useDeterministicSerialization();
        model.writeTo(cos);
        cos.flush();
      }
      model = null;
      long bytes = Files.size(tmp.resolve("saved_model.pb"));
      LOG.info("weights written: saved_model.pb {} in {} ms", mb(bytes), (System.nanoTime() - tw) / 1_000_000);
      Files.writeString(tmp.resolve("generator.properties"), String.join("\n",
          "# written by io.edgesight.bench.ResNet50Generator; weights are random, not trained",
          "model=resnet50", "variant=" + variant, "seed=" + seed, "input=" + inputSize + "x" + inputSize + "x3",
          "classes=" + CLASSES, "parameters=" + counts[0], "bn-statistics=" + counts[1],
          "batchnorm=FusedBatchNormV3 (not folded), epsilon 1.001e-5",
          "expects=caffe normalisation (BGR minus ImageNet means)", "tensorflow=" + TensorFlow.version(), ""),
          StandardCharsets.UTF_8);
      try { // createTempDirectory makes it rwx------
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (UnsupportedOperationException ignored) {
        // non-POSIX file system
      }
      SavedModelFiles.replaceDir(tmp, abs);
    } catch (IOException | RuntimeException e) {
      if (Files.exists(tmp)) SavedModelFiles.deleteTree(tmp);
      throw e;
    }
    LOG.info("ResNet-50 {} written to {} in {} ms", variant, outDir, (System.nanoTime() - t0) / 1_000_000);
    return outDir;
  }

  /**
   * Builds the network with BN in training mode, feeds freshly drawn weights and a seeded noise batch and
   * stores the learned weights and the BN batch statistics (as moving mean / variance) into {@code values}.
   */
  private static void calibrate(int size, boolean v15, long seed, Map<String, ByteString> values) {
    long t0 = System.nanoTime();
    List<TFloat32> feeds = new ArrayList<>();
    try (Graph g = new Graph()) {
      Net net = new Net(g, size, v15, true, LOG::info);
      long floats = 0;
      for (Param p : net.params) {
        feeds.add(TFloat32.tensorOf(p.shape(), DataBuffers.of(draw(p, seed), true, false)));
        floats += p.shape().size();
      }
      LOG.info("drew {} random weights ({}) in {} ms", fmt(floats), mb(4 * floats), (System.nanoTime() - t0) / 1_000_000);

      long t1 = System.nanoTime();
      ConfigProto oneThread = ConfigProto.newBuilder()
          .setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1).build();
      int batch = calibrationBatch(size);
      try (Session s = new Session(g, oneThread);
          TFloat32 images = TFloat32.tensorOf(Shape.of(batch, size, size, 3),
              DataBuffers.of(calibrationImages(seed, size, batch), true, false))) {
        Session.Runner r = s.runner().feed(net.input, images);
        for (int i = 0; i < net.params.size(); i++) r.feed(net.params.get(i).node(), feeds.get(i));
        List<String> bns = new ArrayList<>(net.bnStats.keySet());
        for (String bn : bns) r.fetch(net.bnStats.get(bn).get(0)).fetch(net.bnStats.get(bn).get(1));
        r.fetch(net.output);
        try (Result res = r.run()) {
          for (int i = 0; i < bns.size(); i++) {
            values.put(bns.get(i) + "/moving_mean", bytes((TFloat32) res.get(2 * i)));
            values.put(bns.get(i) + "/moving_variance", bytes((TFloat32) res.get(2 * i + 1)));
          }
          float[] probs = new float[batch * CLASSES];
          ((TFloat32) res.get(2 * bns.size())).copyTo(DataBuffers.of(probs, false, false));
          LOG.info("calibrated {} BatchNorm layers on {} images in {} ms; softmax of the first two: {}", bns.size(),
              batch, (System.nanoTime() - t1) / 1_000_000, describe(probs, 2));
        }
      }
      for (int i = 0; i < net.params.size(); i++) { // move the weights out of the tensors, one at a time
        values.put(net.params.get(i).name(), bytes(feeds.get(i)));
        feeds.set(i, null).close();
      }
    } finally {
      for (TFloat32 t : feeds) if (t != null) t.close();
    }
  }

  /** Replaces each weight placeholder of {@code structure} by a Const node holding its values. */
  private static GraphDef freeze(GraphDef structure, List<Param> params, Map<String, ByteString> values) {
    Map<String, Param> byName = new HashMap<>();
    params.forEach(p -> byName.put(p.name(), p));
    GraphDef.Builder out = structure.toBuilder().clearNode();
    int replaced = 0;
    for (NodeDef n : structure.getNodeList()) {
      Param p = byName.get(n.getName());
      if (p == null) {
        out.addNode(n);
        continue;
      }
      ByteString content = values.get(p.name());
      if (content == null || content.size() != 4 * p.shape().size()) {
        throw new IllegalStateException("no values of the right size for " + p.name());
      }
      TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
      for (long d : p.shape().asArray()) shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
      out.addNode(NodeDef.newBuilder().setName(n.getName()).setOp("Const")
          .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
          .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder()
              .setDtype(DataType.DT_FLOAT).setTensorShape(shape).setTensorContent(content)).build()));
      replaced++;
    }
    if (replaced != params.size()) throw new IllegalStateException(replaced + " of " + params.size() + " weights frozen");
    return out.build();
  }

  private static SavedModel savedModel(GraphDef graph, int size) {
    SignatureDef sig = SignatureDef.newBuilder().setMethodName(METHOD_NAME)
        .putInputs(INPUT_NAME, tensorInfo(INPUT_NAME + ":0", -1, size, size, 3))
        .putOutputs(OUTPUT_NAME, tensorInfo(OUTPUT_TENSOR, -1, CLASSES))
        .build();
    MetaGraphDef meta = MetaGraphDef.newBuilder()
        .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags("serve")
            .setTensorflowVersion(TensorFlow.version()))
        .setGraphDef(graph)
        .putSignatureDef("serving_default", sig)
        .build();
    return SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(meta).build();
  }

  private static TensorInfo tensorInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    return TensorInfo.newBuilder().setName(name).setDtype(DataType.DT_FLOAT).setTensorShape(shape).build();
  }

  /** {learned, BN statistics} floats of {@code params}. */
  static long[] count(List<Param> params) {
    long[] c = new long[2];
    for (Param p : params) c[p.kind().learned() ? 0 : 1] += p.shape().size();
    return c;
  }

  /** Values of a learned weight tensor, from a Random seeded with the seed and the tensor's name. */
  static float[] draw(Param p, long seed) {
    Random rnd = new Random(mix(seed) ^ mix(p.name().hashCode()));
    float[] a = new float[Math.toIntExact(p.shape().size())];
    switch (p.kind()) {
      case CONV_KERNEL, DENSE_KERNEL -> {
        long out = p.shape().get(p.shape().numDimensions() - 1);
        double std = Math.sqrt(2.0 / (p.shape().size() / out)); // He-normal, fan_in = kh*kw*cin (dense: 2048)
        for (int i = 0; i < a.length; i++) a[i] = (float) (rnd.nextGaussian() * std);
      }
      case BN_GAMMA -> { for (int i = 0; i < a.length; i++) a[i] = 0.75f + 0.5f * rnd.nextFloat(); }
      case BN_BETA -> { for (int i = 0; i < a.length; i++) a[i] = 0.2f * rnd.nextFloat() - 0.1f; }
      case DENSE_BIAS -> { } // zeros, as Keras
      default -> throw new IllegalArgumentException(p.kind() + " is calibrated, not drawn");
    }
    return a;
  }

  /**
   * Images of the calibration batch: enough of them for {@value #CALIBRATION_PIXELS} pixels (6 at 224x224, so
   * conv5's BN sees 6x7x7 = 294 values per channel; more at smaller sizes). One in three is uniform pixel noise,
   * the others "natural-like" multi-octave value noise (1/f amplitude, random contrast and colour cast).
   */
  static int calibrationBatch(int size) {
    return (int) Math.max(3, (CALIBRATION_PIXELS + (long) size * size - 1) / ((long) size * size));
  }

  /** The calibration batch, 0..255 pixels in BGR minus the caffe means, NHWC. */
  static float[] calibrationImages(long seed, int size, int batch) {
    Random rnd = new Random(mix(seed) ^ 0x1A2B3C4DL);
    int hw = size * size;
    float[] x = new float[batch * hw * 3];
    float[] v = new float[hw * 3];
    for (int b = 0; b < batch; b++) {
      int base = b * hw * 3;
      if (b % 3 == 0) {
        for (int i = 0; i < hw * 3; i++) x[base + i] = (float) (rnd.nextInt(256) - CAFFE_MEAN_BGR[i % 3]);
        continue;
      }
      java.util.Arrays.fill(v, 0f);
      for (int cell = size / 2; cell >= 2; cell /= 2) valueNoise(rnd, v, size, cell, cell);
      double sum = 0, sq = 0;
      for (float f : v) { sum += f; sq += f * f; }
      double mean = sum / v.length, std = Math.sqrt(Math.max(1e-12, sq / v.length - mean * mean));
      double contrast = 30 + 50 * rnd.nextDouble();
      double[] cast = {rnd.nextGaussian() * 25, rnd.nextGaussian() * 25, rnd.nextGaussian() * 25};
      for (int i = 0; i < hw * 3; i++) {
        double px = 128 + cast[i % 3] + contrast * (v[i] - mean) / std;
        x[base + i] = (float) (Math.max(0, Math.min(255, Math.round(px))) - CAFFE_MEAN_BGR[i % 3]);
      }
    }
    return x;
  }

  /** Adds a random grid of {@code cell}-pixel cells, bilinearly interpolated, with amplitude {@code amp}, to v (HWC). */
  private static void valueNoise(Random rnd, float[] v, int size, int cell, double amp) {
    int g = size / cell + 2;
    float[] grid = new float[g * g * 3];
    for (int i = 0; i < grid.length; i++) grid[i] = (float) (rnd.nextDouble() * 2 - 1);
    for (int y = 0; y < size; y++) {
      double fy = (double) y / cell;
      int gy = (int) fy;
      double ty = fy - gy;
      for (int xx = 0; xx < size; xx++) {
        double fx = (double) xx / cell;
        int gx = (int) fx;
        double tx = fx - gx;
        for (int c = 0; c < 3; c++) {
          double a = grid[(gy * g + gx) * 3 + c], b = grid[(gy * g + gx + 1) * 3 + c];
          double d = grid[((gy + 1) * g + gx) * 3 + c], e = grid[((gy + 1) * g + gx + 1) * 3 + c];
          double top = a + (b - a) * tx, bottom = d + (e - d) * tx;
          v[(y * size + xx) * 3 + c] += (float) (amp * (top + (bottom - top) * ty));
        }
      }
    }
  }

  /** Max probability, entropy (nats; uniform = ln 1000 = 6.91) and top class of each row. */
  static String describe(float[] probs, int rows) {
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      double max = 0, entropy = 0, sum = 0;
      int top = 0;
      for (int c = 0; c < CLASSES; c++) {
        double v = probs[r * CLASSES + c];
        sum += v;
        if (v > max) { max = v; top = c; }
        if (v > 0) entropy -= v * Math.log(v);
      }
      if (r > 0) sb.append("; ");
      sb.append(String.format(Locale.ROOT, "row %d sum %.5f max %.4f (class %d) entropy %.3f", r, sum, max, top, entropy));
    }
    return sb.toString();
  }

  private static ByteString bytes(TFloat32 t) {
    byte[] b = new byte[Math.toIntExact(t.numBytes())];
    t.asRawTensor().data().read(b);
    return UnsafeByteOperations.unsafeWrap(b); // b is never touched again
  }

  private static long mix(long z) { // SplitMix64 finaliser: nearby seeds give unrelated streams
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  /**
   * The network in a graph. {@code calibrate}: BN in training mode (batch statistics, fetched through
   * {@link #bnStats}) and no placeholders for the moving statistics; otherwise BN in inference mode.
   */
  static final class Net {
    final Ops tf;
    final boolean v15;
    final boolean calibrate;
    final List<Param> params = new ArrayList<>();
    /** calibrate only: BN layer name -> [batch mean, batch variance]. */
    final Map<String, List<Output<TFloat32>>> bnStats = new java.util.LinkedHashMap<>();
    final Placeholder<TFloat32> input;
    final Operand<TFloat32> output;

    Net(Graph g, int size, boolean v15, boolean calibrate, Consumer<String> progress) {
      this.tf = Ops.create(g);
      this.v15 = v15;
      this.calibrate = calibrate;
      input = tf.withName(INPUT_NAME).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
      Operand<TFloat32> x = pad(input, 3, "conv1_pad");
      x = relu(bn(conv(x, "conv1", 7, 3, 64, 2, "VALID"), "conv1_bn", 64), "conv1_relu");
      x = maxPool(pad(x, 1, "pool1_pad"), "pool1_pool");
      progress.accept("stem built: conv1 7x7/2 + maxpool 3x3/2, output " + x.shape());
      int in = 64;
      for (int s = 0; s < BLOCKS.length; s++) {
        String stage = "conv" + (s + 2);
        for (int b = 1; b <= BLOCKS[s]; b++) {
          int stride = b == 1 && s > 0 ? 2 : 1;
          x = block(x, stage + "_block" + b, in, FILTERS[s], stride, b == 1);
          in = 4 * FILTERS[s];
        }
        progress.accept("stage " + stage + " built: " + BLOCKS[s] + " blocks, filters (" + FILTERS[s] + "," + in
            + "), output " + x.shape());
      }
      Ops gap = tf.withSubScope("avg_pool");
      Operand<TFloat32> pooled = gap.withName("Mean").math.mean(x, gap.constant(new int[] {1, 2}));
      Ops d = tf.withSubScope("predictions");
      Operand<TFloat32> kernel = param(d, "predictions", "kernel", Kind.DENSE_KERNEL, in, CLASSES);
      Operand<TFloat32> bias = param(d, "predictions", "bias", Kind.DENSE_BIAS, CLASSES);
      Operand<TFloat32> logits = d.withName("BiasAdd").nn.biasAdd(d.withName("MatMul").linalg.matMul(pooled, kernel), bias);
      output = d.withName("Softmax").nn.softmax(logits);
      progress.accept("top built: global average pool + dense " + CLASSES + " + softmax, output " + output.shape()
          + ", " + params.size() + " weight tensors");
    }

    /** Keras' block1: projection shortcut when {@code project}; v1 strides the first 1x1 conv, v1.5 the 3x3. */
    private Operand<TFloat32> block(Operand<TFloat32> x, String name, int in, int filters, int stride, boolean project) {
      Operand<TFloat32> shortcut = x;
      if (project) shortcut = bn(conv(x, name + "_0", 1, in, 4 * filters, stride, "VALID"), name + "_0_bn", 4 * filters);
      int s1 = v15 ? 1 : stride;
      int s2 = v15 ? stride : 1;
      Operand<TFloat32> y = relu(bn(conv(x, name + "_1", 1, in, filters, s1, "VALID"), name + "_1_bn", filters), name + "_1_relu");
      y = relu(bn(conv(y, name + "_2", 3, filters, filters, s2, "SAME"), name + "_2_bn", filters), name + "_2_relu");
      y = bn(conv(y, name + "_3", 1, filters, 4 * filters, 1, "VALID"), name + "_3_bn", 4 * filters);
      Ops a = tf.withSubScope(name + "_add");
      Operand<TFloat32> sum = a.scope().opBuilder("AddV2", "add")
          .addInput(shortcut.asOutput()).addInput(y.asOutput()).build().output(0);
      return relu(sum, name + "_out");
    }

    /** Conv2D without bias; {@code layer} "conv1" gives the op conv1_conv/Conv2D and the weight conv1_conv/kernel. */
    private Operand<TFloat32> conv(Operand<TFloat32> x, String layer, int k, int in, int out, int stride, String padding) {
      String name = layer + "_conv";
      Ops l = tf.withSubScope(name);
      Operand<TFloat32> kernel = param(l, name, "kernel", Kind.CONV_KERNEL, k, k, in, out);
      return l.withName("Conv2D").nn.conv2d(x, kernel, List.of(1L, (long) stride, (long) stride, 1L), padding);
    }

    private Operand<TFloat32> bn(Operand<TFloat32> x, String name, int channels) {
      Ops l = tf.withSubScope(name);
      Operand<TFloat32> gamma = param(l, name, "gamma", Kind.BN_GAMMA, channels);
      Operand<TFloat32> beta = param(l, name, "beta", Kind.BN_BETA, channels);
      FusedBatchNorm<TFloat32, TFloat32> op;
      if (calibrate) {
        Operand<TFloat32> empty = l.withName("empty").constant(new float[0]);
        op = l.withName("FusedBatchNormV3").nn.fusedBatchNorm(x, gamma, beta, empty, empty,
            FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(true));
        bnStats.put(name, List.of(op.batchMean(), op.batchVariance()));
      } else {
        Operand<TFloat32> mean = param(l, name, "moving_mean", Kind.BN_MEAN, channels);
        Operand<TFloat32> variance = param(l, name, "moving_variance", Kind.BN_VARIANCE, channels);
        op = l.withName("FusedBatchNormV3").nn.fusedBatchNorm(x, gamma, beta, mean, variance,
            FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(false));
      }
      return op.y();
    }

    private Operand<TFloat32> relu(Operand<TFloat32> x, String name) {
      return tf.withSubScope(name).withName("Relu").nn.relu(x);
    }

    /** Keras' ZeroPadding2D: a Pad op (not PadV2) on H and W. */
    private Operand<TFloat32> pad(Operand<TFloat32> x, int p, String name) {
      Ops l = tf.withSubScope(name);
      Operand<?> paddings = l.withName("paddings").constant(new int[][] {{0, 0}, {p, p}, {p, p}, {0, 0}});
      return l.scope().opBuilder("Pad", "Pad").addInput(x.asOutput()).addInput(paddings.asOutput()).build().output(0);
    }

    /** Keras' MaxPooling2D(3, strides=2), "valid": a MaxPool op with attributes (not MaxPoolV2). */
    private Operand<TFloat32> maxPool(Operand<TFloat32> x, String name) {
      Ops l = tf.withSubScope(name);
      return l.scope().opBuilder("MaxPool", "MaxPool").addInput(x.asOutput())
          .setAttr("ksize", new long[] {1, 3, 3, 1}).setAttr("strides", new long[] {1, 2, 2, 1})
          .setAttr("padding", "VALID").build().output(0);
    }

    private Operand<TFloat32> param(Ops layer, String layerName, String leaf, Kind kind, long... dims) {
      Placeholder<TFloat32> ph = layer.withName(leaf).placeholder(TFloat32.class, Placeholder.shape(Shape.of(dims)));
      String name = layerName + "/" + leaf;
      if (!ph.op().name().equals(name)) throw new IllegalStateException("weight named " + ph.op().name() + ", expected " + name);
      params.add(new Param(name, kind, Shape.of(dims), ph));
      return ph;
    }
  }
}
