package io.edgesight.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.edgesight.predict.ModelDescriptor;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Acceptance: a frozen GraphDef, as TF1 tools export it, imports to a SavedModel whose outputs are identical to
 * the original graph's. The test builds a small CNN with variables, runs it, freezes it itself (every VariableV2
 * becomes a Const holding its value; Assign and init ops dropped) and imports the .pb with the CLI.
 */
class FrozenGraphImportTest {
    static final int N = 3, H = 16, W = 16, CLASSES = 5;

    record Frozen(Path pb, float[] input, float[] expected) {}

    /** Builds, runs and freezes the graph; {@code extraOutput} adds a second unconsumed node. */
    static Frozen build(Path dir, boolean extraOutput) throws Exception {
        Random rnd = new Random(7);
        float[] input = new float[N * H * W * 3];
        for (int i = 0; i < input.length; i++) input[i] = rnd.nextFloat();
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, H, W, 3)));
            Variable<TFloat32> k = tf.withSubScope("conv").withName("kernel").variable(tf.constant(Shape.of(3, 3, 3, 8), DataBuffers.of(random(rnd, 216))));
            Variable<TFloat32> b = tf.withSubScope("conv").withName("bias").variable(tf.constant(Shape.of(8), DataBuffers.of(random(rnd, 8))));
            Variable<TFloat32> d = tf.withSubScope("dense").withName("kernel").variable(tf.constant(Shape.of(8, CLASSES), DataBuffers.of(random(rnd, 8 * CLASSES))));
            Operand<TFloat32> h = tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(x, k, List.of(1L, 2L, 2L, 1L), "SAME"), b));
            Operand<TFloat32> pooled = tf.math.mean(h, tf.constant(new int[] {1, 2}));
            Operand<TFloat32> probs = tf.withName("probs").nn.softmax(tf.linalg.matMul(pooled, d));
            if (extraOutput) tf.withName("features").identity(pooled);
            float[] expected = new float[N * CLASSES];
            try (TFloat32 in = TFloat32.tensorOf(Shape.of(N, H, W, 3), DataBuffers.of(input, true, false));
                 Result r = s.runner().feed(x, in).fetch(probs).run()) {
                ((TFloat32) r.get(0)).copyTo(DataBuffers.of(expected, false, false));
            }
            GraphDef.Builder frozen = g.toGraphDef().toBuilder().clearNode();
            for (NodeDef n : g.toGraphDef().getNodeList()) {
                if (n.getOp().equals("Assign") || n.getName().startsWith("Init")) continue;
                if (n.getOp().equals("VariableV2")) {
                    try (Result r = s.runner().fetch(n.getName()).run()) {
                        frozen.addNode(constant(n.getName(), (TFloat32) r.get(0)));
                    }
                } else {
                    frozen.addNode(n);
                }
            }
            assertThat(frozen.getNodeList()).extracting(NodeDef::getOp).doesNotContain("VariableV2", "Assign");
            Path pb = dir.resolve(extraOutput ? "two-outputs.pb" : "frozen.pb");
            Files.write(pb, frozen.build().toByteArray());
            return new Frozen(pb, input, expected);
        }
    }

    static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian() * 0.5f;
        return a;
    }

    static NodeDef constant(String name, TFloat32 value) {
        float[] v = new float[(int) value.shape().size()];
        value.copyTo(DataBuffers.of(v, false, false));
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) bb.putFloat(f);
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long dim : value.shape().asArray()) shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(dim));
        TensorProto t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape)
                .setTensorContent(ByteString.copyFrom(bb.array())).build();
        return NodeDef.newBuilder().setName(name).setOp("Const")
                .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
                .putAttr("value", AttrValue.newBuilder().setTensor(t).build()).build();
    }

    static float[] runImported(Path dir, String inKey, String outKey, float[] input) {
        try (SavedModelBundle m = SavedModelBundle.load(dir.toString(), "serve");
             TFloat32 in = TFloat32.tensorOf(Shape.of(N, H, W, 3), DataBuffers.of(input, true, false));
             Result r = m.function(Signature.DEFAULT_KEY).call(Map.of(inKey, in))) {
            float[] out = new float[N * CLASSES];
            ((TFloat32) r.get(outKey).orElseThrow()).copyTo(DataBuffers.of(out, false, false));
            return out;
        }
    }

    @Test
    void discoveredInputAndOutputGiveIdenticalOutputsAndADescriptor(@TempDir Path tmp) throws Exception {
        Frozen f = build(tmp, false);
        Path out = tmp.resolve("saved");

        // float input: the pixel scale and channel order cannot be inferred, so the command asks for exactly those
        CliRun ask = CliRun.of("model", "import", f.pb().toString(), "--out", out.toString());
        assertThat(ask.exit()).isEqualTo(2);
        assertThat(ask.errorLines()).hasSize(1);
        assertThat(ask.errorLines().get(0)).contains("cannot infer how to use frozen.pb", "--normalize", "--channel-order")
                .doesNotContain("--decoder"); // a [batch, 5] output is a classifier
        assertThat(out).doesNotExist();

        CliRun ok = CliRun.of("model", "import", f.pb().toString(), "--out", out.toString(), "--id", "tiny",
                "--normalize", "unit", "--channel-order", "BGR");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("input:  'image' (image) float32 [-1, 16, 16, 3]", "output: 'probs' (probs) float32 [-1, 5]",
                "edgesight.models.tiny.path = " + out, "edgesight.models.tiny.normalize = unit");
        assertArrayEquals(f.expected(), runImported(out, "image", "probs", f.input()), "bit-identical to the unfrozen graph");
        Map<String, String> d = ModelDescriptor.load(out).values();
        assertThat(d).containsEntry("decoder", "classification").containsEntry("channel-order", "BGR")
                .containsEntry("normalize", "unit").containsEntry("output", "probs").containsEntry("batch-size", "1");
        assertThat(out.resolve("variables")).doesNotExist();
    }

    @Test
    void givenNamesChooseAmongSeveralOutputs(@TempDir Path tmp) throws Exception {
        Frozen f = build(tmp, true);
        Path out = tmp.resolve("saved");
        CliRun ambiguous = CliRun.of("model", "import", f.pb().toString(), "--out", out.toString(), "--no-descriptor");
        assertThat(ambiguous.exit()).isEqualTo(2);
        assertThat(ambiguous.errorLines()).singleElement().asString()
                .contains("several candidate outputs", "features", "probs", "--output");

        CliRun ok = CliRun.of("model", "import", f.pb().toString(), "--out", out.toString(), "--no-descriptor",
                "--input", "pixels=image:0", "--output", "scores=probs");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertArrayEquals(f.expected(), runImported(out, "pixels", "scores", f.input()));
        assertThat(out.resolve(ModelDescriptor.PROPERTIES_FILE)).doesNotExist();

        CliRun exists = CliRun.of("model", "import", f.pb().toString(), "--out", out.toString(), "--no-descriptor", "--output", "probs");
        assertThat(exists.errorLines()).singleElement().asString().contains("already exists; pass --force");
        CliRun noSuchNode = CliRun.of("model", "import", f.pb().toString(), "--out", tmp.resolve("x").toString(), "--output", "prob");
        assertThat(noSuchNode.errorLines()).singleElement().asString().contains("has no node 'prob'", "similar: [probs]");
    }
}
