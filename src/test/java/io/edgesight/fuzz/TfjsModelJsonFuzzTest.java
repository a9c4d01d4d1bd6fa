package io.edgesight.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgesight.models.TfjsGraphModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TF.js graph models (model.json + a weight shard) with mutated structure, values, text and shard bytes:
 * {@code model import} reads a GraphDef or refuses with one clear line.
 */
class TfjsModelJsonFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** x [1,2] -> _FusedMatMul(x, w uint8-quantised, b float16-quantised; BiasAdd, Relu) -> Reshape(shape int64). */
    static ObjectNode model() {
        ObjectNode root = F.objectNode().put("format", "graph-model");
        ArrayNode nodes = root.putObject("modelTopology").putArray("node");
        ObjectNode x = nodes.addObject().put("name", "x").put("op", "Placeholder");
        x.putObject("attr").putObject("dtype").put("type", "DT_FLOAT");
        ArrayNode dims = ((ObjectNode) x.get("attr")).putObject("shape").putObject("shape").putArray("dim");
        dims.addObject().put("size", "1");
        dims.addObject().put("size", "2");
        constNode(nodes, "w", "DT_FLOAT", 2, 2);
        constNode(nodes, "b", "DT_FLOAT", 2);
        constNode(nodes, "shape", "DT_INT64", 2);
        ObjectNode mm = nodes.addObject().put("name", "mm").put("op", "_FusedMatMul");
        mm.putArray("input").add("x").add("w").add("b");
        ObjectNode a = mm.putObject("attr");
        a.putObject("T").put("type", "DT_FLOAT");
        a.putObject("num_args").put("i", "1");
        a.putObject("transpose_a").put("b", false);
        a.putObject("transpose_b").put("b", false);
        a.putObject("fused_ops").putObject("list").putArray("s").add(b64("BiasAdd")).add(b64("Relu"));
        ObjectNode out = nodes.addObject().put("name", "out").put("op", "Reshape");
        out.putArray("input").add("mm").add("shape");
        out.putObject("attr").putObject("T").put("type", "DT_FLOAT");
        ((ObjectNode) out.get("attr")).putObject("Tshape").put("type", "DT_INT64");
        ObjectNode group = root.putArray("weightsManifest").addObject();
        group.putArray("paths").add("group1-shard1of1.bin");
        ArrayNode w = group.putArray("weights");
        w.addObject().put("name", "w").put("dtype", "float32").<ObjectNode>set("shape", F.arrayNode().add(2).add(2))
                .putObject("quantization").put("dtype", "uint8").put("min", -1.0).put("scale", 0.01);
        w.addObject().put("name", "b").put("dtype", "float32").<ObjectNode>set("shape", F.arrayNode().add(2))
                .putObject("quantization").put("dtype", "float16");
        w.addObject().put("name", "shape").put("dtype", "int32").set("shape", F.arrayNode().add(2));
        w.addObject().put("name", "unused").put("dtype", "string").set("shape", F.arrayNode().add(1));
        root.putObject("signature").putObject("inputs").putObject("x:0").put("name", "x:0");
        ((ObjectNode) root.get("signature")).putObject("outputs").putObject("out:0").put("name", "out:0");
        return root;
    }

    static byte[] shard() {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 8 + 4 + 3).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0, 50, 100, (byte) 200});
        b.putShort((short) 0x3800).putShort((short) 0xB400);
        b.putInt(1).putInt(2);
        b.putInt(3).put("abc".getBytes());
        return b.array();
    }

    static void constNode(ArrayNode nodes, String name, String dtype, int... shape) {
        ObjectNode n = nodes.addObject().put("name", name).put("op", "Const");
        ObjectNode attr = n.putObject("attr");
        attr.putObject("dtype").put("type", dtype);
        ArrayNode dims = attr.putObject("value").putObject("tensor").put("dtype", dtype).putObject("tensorShape").putArray("dim");
        for (int d : shape) dims.addObject().put("size", Integer.toString(d));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes());
    }

    @Test
    void theUnmutatedModelImports(@TempDir Path tmp) throws Exception {
        TfjsGraphModel.Loaded l = TfjsGraphModel.read(write(tmp, JSON.writeValueAsString(model()), shard()));
        assertThat(l.weights()).isEqualTo(4);
        assertThat(l.graph().getNodeList()).extracting(n -> n.getName()).contains("x", "w", "b", "out");
    }

    @Test
    void mutatedModelsImportOrGiveOneClearError(@TempDir Path tmp) throws Exception {
        int[] loaded = new int[1];
        int n = Fuzz.tries("tfjs model.json", 800, (r, i) -> {
            Path dir = Files.createDirectories(tmp.resolve("m" + i));
            String json;
            if (r.nextInt(6) == 0) {
                json = Fuzz.mutate(r, JSON.writeValueAsString(model()), 3);
            } else {
                ObjectNode root = model();
                int edits = 1 + r.nextInt(3);
                for (int e = 0; e < edits; e++) mutateTree(r, root);
                json = JSON.writeValueAsString(root);
            }
            byte[] bin = r.nextInt(4) == 0 ? Fuzz.mutate(r, shard(), 2) : shard();
            Path file = write(dir, json, bin);
            if (Fuzz.cleanOutcome(() -> TfjsGraphModel.read(file), json) != null) loaded[0]++;
        });
        System.out.printf("tfjs fuzz: %d models, %d imported, the rest refused with one line%n", n, loaded[0]);
        assertThat(loaded[0]).isPositive().isLessThan(n);
    }

    static Path write(Path dir, String json, byte[] bin) throws Exception {
        Files.write(dir.resolve("group1-shard1of1.bin"), bin);
        return Files.write(dir.resolve("model.json"), json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Replaces, removes or duplicates one random value somewhere in the tree. */
    static void mutateTree(SplittableRandom r, JsonNode root) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode c = containers.get(r.nextInt(containers.size()));
        if (c instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(r.nextInt(names.size()));
            if (r.nextInt(4) == 0) o.remove(name);
            else o.set(name, randomValue(r, o.get(name)));
        } else if (c instanceof ArrayNode a && a.size() > 0) {
            int at = r.nextInt(a.size());
            switch (r.nextInt(3)) {
                case 0 -> a.remove(at);
                case 1 -> a.add(a.get(at).deepCopy());
                default -> a.set(at, randomValue(r, a.get(at)));
            }
        }
    }

    static JsonNode randomValue(SplittableRandom r, JsonNode old) {
        return switch (r.nextInt(9)) {
            case 0 -> F.numberNode(r.nextInt(-3, 5));
            case 1 -> F.numberNode(List.of(-1L, 0L, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE).get(r.nextInt(6)));
            case 2 -> F.textNode(List.of("float32", "int32", "bool", "string", "complex64", "uint8", "uint16", "float16",
                    "DT_FLOAT", "DT_INT64", "Const", "../../etc/passwd", "", "-1", "9999999999").get(r.nextInt(15)));
            case 3 -> F.textNode(Fuzz.randomText(r, 6));
            case 4 -> F.nullNode();
            case 5 -> F.arrayNode();
            case 6 -> F.objectNode();
            case 7 -> F.booleanNode(r.nextBoolean());
            default -> old.isNumber() ? F.numberNode(old.asLong() * -1 - r.nextInt(3)) : F.numberNode(r.nextDouble() * 1e6);
        };
    }

    static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.forEach(child -> collect(child, out));
        }
    }
}
