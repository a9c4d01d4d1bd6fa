package io.edgesight.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A small TF.js graph model written by the test (so every number is known): uint8- and float16-quantised weights
 * in two shards, TF.js-only FusedDepthwiseConv2dNative with BiasAdd + Prelu, and _FusedMatMul with BiasAdd + Relu.
 * The import must compute the hand-derived outputs. Then the bad inputs: a layers model, a missing shard, a
 * truncated shard, an op with no core TensorFlow equivalent: each one line on stderr naming it, exit code 2.
 */
class TfjsImportTest {
    static final ObjectMapper JSON = new ObjectMapper();

    // weights, as stored
    static final int[] W_Q = {0, 128, 255};             // uint8, min -1, scale 2/255 -> -1, 0.00392.., 1
    static final double MIN = -1, SCALE = 2.0 / 255;
    static final short[] BIAS_F16 = {0x3800, (short) 0xB400, 0x3C00}; // 0.5, -0.25, 1.0
    static final float[] ALPHA = {0.1f, 0.2f, 0.3f};
    static final float[] M = {1, 0, 0, 1, 1, 1};          // [3,2]
    static final float[] MB = {0, -0.5f};
    static final float[] X = {1, -2, 3, -1, 2, -3};       // [1,1,2,3]

    static float[] expected() {
        float[] w = new float[3];
        for (int c = 0; c < 3; c++) w[c] = (float) (W_Q[c] * SCALE + MIN);
        float[] b = {0.5f, -0.25f, 1.0f};
        float[] dw = new float[6];
        for (int p = 0; p < 2; p++) {
            for (int c = 0; c < 3; c++) {
                float v = X[p * 3 + c] * w[c] + b[c];
                dw[p * 3 + c] = v >= 0 ? v : ALPHA[c] * v;
            }
        }
        float[] out = new float[4];
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < 2; j++) {
                float s = 0;
                for (int k = 0; k < 3; k++) s += dw[r * 3 + k] * M[k * 2 + j];
                out[r * 2 + j] = Math.max(0, s + MB[j]);
            }
        }
        return out;
    }

    static ObjectNode node(ArrayNode nodes, String name, String op, String... inputs) {
        ObjectNode n = nodes.addObject().put("name", name).put("op", op);
        ArrayNode in = n.putArray("input");
        for (String i : inputs) in.add(i);
        n.putObject("attr").putObject("T").put("type", "DT_FLOAT");
        return n;
    }

    static void constNode(ArrayNode nodes, String name, String dtype, int... shape) {
        ObjectNode n = nodes.addObject().put("name", name).put("op", "Const");
        ObjectNode attr = n.putObject("attr");
        attr.putObject("dtype").put("type", dtype);
        ObjectNode t = attr.putObject("value").putObject("tensor").put("dtype", dtype);
        ArrayNode dims = t.putObject("tensorShape").putArray("dim");
        for (int d : shape) dims.addObject().put("size", Integer.toString(d));
    }

    static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Writes model.json + two shards into dir; {@code extraOp} appends a node of that op after the output. */
    static Path writeModel(Path dir, String extraOp) throws Exception {
        ObjectNode root = JSON.createObjectNode().put("format", "graph-model").put("generatedBy", "test");
        ObjectNode topo = root.putObject("modelTopology");
        ArrayNode nodes = topo.putArray("node");
        ObjectNode x = nodes.addObject().put("name", "x").put("op", "Placeholder");
        x.putObject("attr").putObject("dtype").put("type", "DT_FLOAT");
        ArrayNode xs = ((ObjectNode) x.get("attr")).putObject("shape").putObject("shape").putArray("dim");
        for (int d : new int[] {1, 1, 2, 3}) xs.addObject().put("size", Integer.toString(d));
        constNode(nodes, "dw/w", "DT_FLOAT", 1, 1, 3, 1);
        constNode(nodes, "dw/b", "DT_FLOAT", 3);
        constNode(nodes, "dw/alpha", "DT_FLOAT", 3);
        constNode(nodes, "shape", "DT_INT32", 2);
        constNode(nodes, "mm/w", "DT_FLOAT", 3, 2);
        constNode(nodes, "mm/b", "DT_FLOAT", 2);
        ObjectNode dw = node(nodes, "dw", "FusedDepthwiseConv2dNative", "x", "dw/w", "dw/b", "dw/alpha");
        ObjectNode a = (ObjectNode) dw.get("attr");
        a.putObject("num_args").put("i", "2");
        a.putObject("padding").put("s", b64("VALID"));
        a.putObject("data_format").put("s", b64("NHWC"));
        for (String k : new String[] {"strides", "dilations"}) {
            ArrayNode l = a.putObject(k).putObject("list").putArray("i");
            for (int i = 0; i < 4; i++) l.add("1");
        }
        a.putObject("fused_ops").putObject("list").putArray("s").add(b64("BiasAdd")).add(b64("Prelu"));
        ObjectNode r = node(nodes, "reshape", "Reshape", "dw", "shape");
        ((ObjectNode) r.get("attr")).putObject("Tshape").put("type", "DT_INT32");
        ObjectNode mm = node(nodes, "out", "_FusedMatMul", "reshape", "mm/w", "mm/b");
        ObjectNode ma = (ObjectNode) mm.get("attr");
        ma.putObject("num_args").put("i", "1");
        ma.putObject("transpose_a").put("b", false);
        ma.putObject("transpose_b").put("b", false);
        ma.putObject("fused_ops").putObject("list").putArray("s").add(b64("BiasAdd")).add(b64("Relu"));
        if (extraOp != null) node(nodes, "fancy", extraOp, "out");
        topo.putObject("versions").put("producer", 1395);

        ArrayNode weights = JSON.createArrayNode();
        weights.addObject().put("name", "dw/w").put("dtype", "float32").<ObjectNode>set("shape", JSON.valueToTree(new int[] {1, 1, 3, 1}))
                .putObject("quantization").put("dtype", "uint8").put("min", MIN).put("scale", SCALE).put("original_dtype", "float32");
        weights.addObject().put("name", "dw/b").put("dtype", "float32").<ObjectNode>set("shape", JSON.valueToTree(new int[] {3}))
                .putObject("quantization").put("dtype", "float16").put("original_dtype", "float32");
        weights.addObject().put("name", "dw/alpha").put("dtype", "float32").set("shape", JSON.valueToTree(new int[] {3}));
        weights.addObject().put("name", "shape").put("dtype", "int32").set("shape", JSON.valueToTree(new int[] {2}));
        weights.addObject().put("name", "mm/w").put("dtype", "float32").set("shape", JSON.valueToTree(new int[] {3, 2}));
        weights.addObject().put("name", "mm/b").put("dtype", "float32").set("shape", JSON.valueToTree(new int[] {2}));
        ObjectNode group = root.putArray("weightsManifest").addObject();
        group.putArray("paths").add("group1-shard1of2.bin").add("group1-shard2of2.bin");
        group.set("weights", weights);
        root.putObject("signature").putObject("inputs").putObject("x:0").put("name", "x:0");
        ((ObjectNode) root.get("signature")).putObject("outputs").putObject("out:0").put("name", extraOp != null ? "fancy:0" : "out:0");

        ByteBuffer bin = ByteBuffer.allocate(3 + 6 + 12 + 8 + 24 + 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int q : W_Q) bin.put((byte) q);
        for (short h : BIAS_F16) bin.putShort(h);
        for (float f : ALPHA) bin.putFloat(f);
        bin.putInt(2).putInt(3);
        for (float f : M) bin.putFloat(f);
        for (float f : MB) bin.putFloat(f);
        byte[] all = bin.array();
        Files.createDirectories(dir);
        Files.write(dir.resolve("group1-shard1of2.bin"), Arrays.copyOfRange(all, 0, 10)); // a float16 split across shards
        Files.write(dir.resolve("group1-shard2of2.bin"), Arrays.copyOfRange(all, 10, all.length));
        Path json = dir.resolve("model.json");
        JSON.writeValue(json.toFile(), root);
        return json;
    }

    static void assertOneClearError(CliRun r, String... expected) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.errorLines()).as(r.err()).hasSize(1);
        assertThat(r.errorLines().get(0)).contains(expected);
        assertThat(r.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void quantisedWeightsAndFusedOpsComputeWhatTfjsDefines(@TempDir Path tmp) throws Exception {
        Path json = writeModel(tmp.resolve("m"), null);
        Path out = tmp.resolve("saved");
        CliRun r = CliRun.of("model", "import", json.toString(), "--out", out.toString(), "--no-descriptor");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("de-quantised {uint8=1, float16=1}", "input:  'x' (x) float32 [1, 1, 2, 3]");
        float[] got = new float[4];
        try (SavedModelBundle m = SavedModelBundle.load(out.toString(), "serve");
             TFloat32 in = TFloat32.tensorOf(Shape.of(1, 1, 2, 3), DataBuffers.of(X, true, false));
             Result res = m.function(Signature.DEFAULT_KEY).call(Map.of("x", in))) {
            ((TFloat32) res.get("out").orElseThrow()).copyTo(DataBuffers.of(got, false, false));
        }
        // by hand: w = (-1, 1/255, 1), b = (0.5, -0.25, 1), alpha = (0.1, 0.2, 0.3)
        // pixel 1 (1, -2, 3):  (-0.5, -0.2578, 4) -> prelu (-0.05, -0.0516, 4)
        // pixel 2 (-1, 2, -3): (1.5, -0.2422, -2) -> prelu (1.5, -0.0484, -0.6)
        // rows x M + (0, -0.5): (3.95, 3.4484), (0.9, -1.1484) -> relu -> (3.95, 3.4484, 0.9, 0)
        assertThat(got).containsExactly(expected());
        assertThat(got).usingElementComparator((u, v) -> Math.abs(u - v) < 1e-4 ? 0 : 1)
                .containsExactly(3.95f, 3.4484f, 0.9f, 0f);
    }

    @Test
    void layersModelIsRejectedByName(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("model.json");
        Files.writeString(json, "{\"format\":\"layers-model\",\"modelTopology\":{\"class_name\":\"Sequential\",\"config\":{\"layers\":[]}},"
                + "\"weightsManifest\":[{\"paths\":[\"group1-shard1of1.bin\"],\"weights\":[]}]}");
        assertOneClearError(CliRun.of("model", "import", json.toString(), "--out", tmp.resolve("o").toString()),
                "model.json is a TF.js layers model (Keras), not a graph model", "tensorflowjs_converter");
    }

    @Test
    void missingWeightShardIsNamed(@TempDir Path tmp) throws Exception {
        Path json = writeModel(tmp.resolve("m"), null);
        Files.delete(json.resolveSibling("group1-shard2of2.bin"));
        assertOneClearError(CliRun.of("model", "import", json.toString(), "--out", tmp.resolve("o").toString()),
                "weight shard group1-shard2of2.bin (group 1 of weightsManifest) is missing");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void truncatedWeightShardIsNamed(@TempDir Path tmp) throws Exception {
        Path json = writeModel(tmp.resolve("m"), null);
        Path shard = json.resolveSibling("group1-shard2of2.bin");
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, Arrays.copyOf(b, b.length - 5));
        assertOneClearError(CliRun.of("model", "import", json.toString(), "--out", tmp.resolve("o").toString()),
                "weight 'mm/b' needs 8 bytes", "truncated");
    }

    @Test
    void opWithoutCoreEquivalentIsNamed(@TempDir Path tmp) throws Exception {
        Path json = writeModel(tmp.resolve("m"), "FancyActivation");
        assertOneClearError(CliRun.of("model", "import", json.toString(), "--out", tmp.resolve("o").toString()),
                "op 'FancyActivation' (node 'fancy') has no core TensorFlow equivalent");
    }
}
