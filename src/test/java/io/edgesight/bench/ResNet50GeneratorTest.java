package io.edgesight.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import com.google.protobuf.CodedInputStream;
import io.edgesight.cli.EdgesightCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;

class ResNet50GeneratorTest {

  static final Set<String> WEIGHT_SUFFIXES = Set.of("kernel", "gamma", "beta", "moving_mean", "moving_variance", "bias");

  /** 64x64 input, batch 2: the exported model loads, has the signature, and gives sane probabilities. */
  @Test
  void smallModelExportsLoadsAndPredicts(@TempDir Path dir) throws Exception {
    int size = 64;
    Path out = ResNet50Generator.generate(dir.resolve("resnet50-64"), 1, false, size);
    assertTrue(Files.isRegularFile(out.resolve("saved_model.pb")));
    assertFalse(Files.exists(out.resolve("variables")), "frozen: no variables");

    // Count the weights in the file itself, independently of the generator's own count.
    SavedModel sm;
    try (InputStream in = Files.newInputStream(out.resolve("saved_model.pb"))) {
      CodedInputStream cis = CodedInputStream.newInstance(in);
      cis.setSizeLimit(Integer.MAX_VALUE);
      sm = SavedModel.parseFrom(cis);
    }
    long learned = 0, stats = 0;
    Map<String, Integer> ops = new HashMap<>();
    for (NodeDef n : sm.getMetaGraphs(0).getGraphDef().getNodeList()) {
      ops.merge(n.getOp(), 1, Integer::sum);
      String leaf = n.getName().substring(n.getName().lastIndexOf('/') + 1);
      if (!n.getOp().equals("Const") || !WEIGHT_SUFFIXES.contains(leaf)) continue;
      long elems = 1;
      for (var d : n.getAttrOrThrow("value").getTensor().getTensorShape().getDimList()) elems *= d.getSize();
      assertEquals(4 * elems, n.getAttrOrThrow("value").getTensor().getTensorContent().size(), n.getName());
      if (leaf.startsWith("moving_")) stats += elems; else learned += elems;
    }
    sm = null;
    assertEquals(25_557_032L, learned, "learned parameters (conv kernels, BN gamma/beta, dense)");
    assertEquals(53_120L, stats, "BN moving statistics");
    assertEquals(ResNet50Generator.KERAS_PARAMETERS, learned + stats + 26_560, "Keras adds one bias per conv channel");
    assertEquals(53, ops.get("Conv2D"));
    assertEquals(53, ops.get("FusedBatchNormV3"));
    assertEquals(16, ops.get("AddV2"));
    assertEquals(1, ops.get("MaxPool"));
    assertEquals(1, ops.get("Softmax"));
    assertEquals(1, ops.get("Placeholder"), "only the input is fed");
    assertFalse(ops.containsKey("VarHandleOp") || ops.containsKey("VariableV2"));

    try (SavedModelBundle model = SavedModelBundle.load(out.toString(), "serve")) {
      Signature sig = model.function(Signature.DEFAULT_KEY).signature();
      assertEquals(List.of(ResNet50Generator.INPUT_NAME), List.copyOf(sig.inputNames()));
      assertEquals(List.of(ResNet50Generator.OUTPUT_NAME), List.copyOf(sig.outputNames()));
      assertEquals(DataType.DT_FLOAT, sig.getInputs().get("input_1").dataType);
      assertArrayEquals(new long[] {-1, size, size, 3}, sig.getInputs().get("input_1").shape.asArray());
      assertArrayEquals(new long[] {-1, 1000}, sig.getOutputs().get("predictions").shape.asArray());

      float[] probs = predict(model, images(2, size), 2, size);
      System.out.println("ResNet-50 64x64, noise and gradient: " + ResNet50Generator.describe(probs, 2));
      assertSane(probs, 2);
    }
  }

  /** The structure alone (no weights): v1 strides the block's first 1x1 conv, v1.5 its 3x3; same shapes. */
  @Test
  void v1AndV15PutTheStrideOnDifferentConvs() {
    for (boolean v15 : new boolean[] {false, true}) {
      try (Graph g = new Graph()) {
        ResNet50Generator.Net net = new ResNet50Generator.Net(g, 224, v15, false, s -> {});
        assertArrayEquals(new long[] {-1, 1000}, net.output.shape().asArray());
        long[] c = ResNet50Generator.count(net.params);
        assertEquals(ResNet50Generator.PARAMETERS, c[0]);
        assertEquals(ResNet50Generator.BN_STATISTICS, c[1]);
        for (String stage : List.of("conv3", "conv4", "conv5")) {
          assertEquals(v15 ? 1 : 2, stride(g, stage + "_block1_1_conv/Conv2D"), stage + " 1x1");
          assertEquals(v15 ? 2 : 1, stride(g, stage + "_block1_2_conv/Conv2D"), stage + " 3x3");
          assertEquals(2, stride(g, stage + "_block1_0_conv/Conv2D"), stage + " shortcut");
        }
        assertEquals(1, stride(g, "conv2_block1_0_conv/Conv2D"));
        assertArrayEquals(new long[] {-1, 56, 56, 256}, shape(g, "conv2_block3_out/Relu"));
        assertArrayEquals(new long[] {-1, 28, 28, 512}, shape(g, "conv3_block4_out/Relu"));
        assertArrayEquals(new long[] {-1, 14, 14, 1024}, shape(g, "conv4_block6_out/Relu"));
        assertArrayEquals(new long[] {-1, 7, 7, 2048}, shape(g, "conv5_block3_out/Relu"));
      }
    }
  }

  @Test
  void cliParsesTheModelCommand() {
    assertEquals(0, EdgesightCli.execute("model", "resnet50", "--help"));
    assertEquals(2, EdgesightCli.execute("model", "resnet50", "--seed", "x"));
  }

  /** The real thing: 224x224, generated, loaded and run once. Prints the timings. */
  @Test
  void fullModelGeneratesLoadsAndRuns(@TempDir Path dir) throws Exception {
    long t0 = System.nanoTime();
    Path out = ResNet50Generator.generate(dir.resolve("resnet50"), 1, false);
    long t1 = System.nanoTime();
    long bytes = Files.size(out.resolve("saved_model.pb"));
    try (SavedModelBundle model = SavedModelBundle.load(out.toString(), "serve")) {
      long t2 = System.nanoTime();
      float[] noise = predict(model, images(1, 224), 1, 224);
      long t3 = System.nanoTime();
      float[] two = images(2, 224);
      float[] gradient = predict(model, java.util.Arrays.copyOfRange(two, two.length / 2, two.length), 1, 224);
      long t4 = System.nanoTime();
      System.out.printf("ResNet-50 224: generate %d ms (%.1f MB), load %d ms, first inference (batch 1) %d ms, "
              + "second %d ms; noise: %s; gradient: %s%n",
          (t1 - t0) / 1_000_000, bytes / 1e6, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000,
          ResNet50Generator.describe(noise, 1), ResNet50Generator.describe(gradient, 1));
      assertSane(noise, 1);
      assertSane(gradient, 1);
    }
  }

  static int stride(Graph g, String op) {
    return (int) ((GraphOperation) g.operationOrThrow(op)).attributes().getAttrIntList("strides")[1];
  }

  static long[] shape(Graph g, String op) {
    return g.operationOrThrow(op).output(0).shape().asArray();
  }

  /** Row 0: caffe-normalised pixel noise; row 1: a smooth colour gradient, caffe-normalised. */
  static float[] images(int n, int size) {
    float[] x = new float[n * size * size * 3];
    Random rnd = new Random(99);
    double[] mean = {103.939, 116.779, 123.68};
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < size; y++) {
        for (int xx = 0; xx < size; xx++) {
          for (int c = 0; c < 3; c++) {
            int i = ((b * size + y) * size + xx) * 3 + c;
            double px = b % 2 == 0 ? rnd.nextInt(256) : 255.0 * (c == 0 ? y : c == 1 ? xx : (y + xx) / 2) / size;
            x[i] = (float) (px - mean[c]);
          }
        }
      }
    }
    return x;
  }

  static float[] predict(SavedModelBundle model, float[] images, int n, int size) {
    float[] probs = new float[n * 1000];
    try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, size, size, 3), DataBuffers.of(images, true, false));
        Result r = model.function(Signature.DEFAULT_KEY).call(Map.of("input_1", in))) {
      TFloat32 out = (TFloat32) r.get("predictions").orElseThrow();
      assertArrayEquals(new long[] {n, 1000}, out.shape().asArray());
      out.copyTo(DataBuffers.of(probs, false, false));
    }
    return probs;
  }

  /** Rows sum to 1, no NaN, not one-hot, not uniform; rows of different images differ. */
  static void assertSane(float[] probs, int rows) {
    for (int r = 0; r < rows; r++) {
      double sum = 0, max = 0;
      for (int c = 0; c < 1000; c++) {
        float v = probs[r * 1000 + c];
        assertFalse(Float.isNaN(v) || Float.isInfinite(v), "row " + r + " class " + c + " is " + v);
        assertTrue(v >= 0f);
        sum += v;
        max = Math.max(max, v);
      }
      assertEquals(1.0, sum, 1e-4, "row " + r + " sums to 1");
      assertTrue(max < 0.99, "row " + r + " is one-hot: max " + max + " " + ResNet50Generator.describe(probs, rows));
      assertTrue(max > 0.003, "row " + r + " is nearly uniform: max " + max);
    }
    if (rows > 1) {
      double diff = 0;
      for (int c = 0; c < 1000; c++) diff = Math.max(diff, Math.abs(probs[c] - probs[1000 + c]));
      assertTrue(diff > 1e-4, "different images give the same probabilities (max diff " + diff + ")");
    }
  }
}
