package io.edgesight.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.edgesight.config.UserError;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * A TF.js graph model ({@code model.json} + binary weight shards, as written by tensorflowjs_converter) read back
 * into a TensorFlow GraphDef: the topology is the GraphDef in JSON, and every weight from the shards becomes the
 * value of its {@code Const} node, de-quantised exactly as TF.js does it (tfjs-core {@code io_utils.decodeWeights}):
 * float16 to float32, uint8/uint16 to {@code q * scale + min}. TF.js-only fused ops are then expanded by
 * {@link FusedOps}.
 */
public final class TfjsGraphModel {

    /** The graph with weights, and the inputs/outputs named by model.json's signature (may be empty). */
    public record Loaded(GraphDef graph, List<String> signatureInputs, List<String> signatureOutputs, int weights,
                         long weightBytes, Map<String, Integer> quantised) {}

    /** Elements of one weight at most: its float32 copy must fit a Java array. */
    private static final long MAX_ELEMENTS = (Integer.MAX_VALUE - 8) / 8;

    private TfjsGraphModel() {}

    public static Loaded read(Path modelJson) {
        JsonNode root = readJson(modelJson);
        String file = modelJson.getFileName().toString();
        String format = root.path("format").asText("");
        JsonNode topology = root.get("modelTopology");
        if (format.equals("layers-model") || topology != null && (topology.has("class_name") || topology.has("model_config"))) {
            throw new UserError(modelJson + " is a TF.js layers model (Keras), not a graph model; convert it with "
                    + "tensorflowjs_converter --input_format=tfjs_layers_model --output_format=tfjs_graph_model, "
                    + "or import the Keras model's SavedModel");
        }
        if (topology == null || !topology.has("node")) {
            throw new UserError(modelJson + " is not a TF.js graph model: it has no modelTopology.node (format '" + format + "')");
        }
        GraphDef.Builder graph;
        try {
            graph = ProtoJson.merge(topology, GraphDef.newBuilder(), file + ":modelTopology");
        } catch (IllegalArgumentException e) {
            // the message quotes the bad value, which may hold line breaks: the error stays one line
            throw new UserError(modelJson + ": modelTopology is not a GraphDef: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
        }
        if (root.has("modelInitializer") && root.get("modelInitializer").has("node")
                && root.get("modelInitializer").get("node").size() > 0) {
            throw new UserError(modelJson + " has a modelInitializer graph (hash tables); importing it is not supported");
        }

        Map<String, Integer> nodeIndex = new HashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) nodeIndex.put(graph.getNode(i).getName(), i);
        Map<String, Integer> quantised = new LinkedHashMap<>();
        int count = 0;
        long bytes = 0;
        JsonNode manifest = root.path("weightsManifest");
        int groupNo = 0;
        for (JsonNode group : manifest) {
            groupNo++;
            ByteBuffer data = readGroup(modelJson, group, groupNo);
            for (JsonNode spec : group.path("weights")) {
                String name = spec.path("name").asText();
                TensorProto value = decode(spec, data, modelJson, groupNo);
                count++;
                String q = spec.path("quantization").path("dtype").asText(null);
                if (q != null) quantised.merge(q, 1, Integer::sum);
                Integer idx = nodeIndex.get(name);
                if (idx == null) continue; // TF.js also ignores weights no node uses
                NodeDef node = graph.getNode(idx);
                DataType declared = node.getAttrOrDefault("dtype", AttrValue.getDefaultInstance()).getType();
                value = castTo(value, declared, name);
                graph.setNode(idx, node.toBuilder().putAttr("value", AttrValue.newBuilder().setTensor(value).build()).build());
            }
            if (data.hasRemaining()) {
                throw new UserError(modelJson + ": weight shards of group " + groupNo + " " + group.path("paths")
                        + " have " + data.remaining() + " bytes more than its weights need; a shard does not belong to this model.json");
            }
            bytes += data.capacity();
        }
        for (NodeDef n : graph.getNodeList()) {
            if (n.getOp().equals("Const") && !hasValue(n)) {
                throw new UserError(modelJson + ": Const node '" + n.getName() + "' has no weight in weightsManifest");
            }
        }
        GraphDef expanded = FusedOps.expand(graph.build(), file);
        return new Loaded(expanded, names(root.path("signature").path("inputs")), names(root.path("signature").path("outputs")),
                count, bytes, quantised);
    }

    private static JsonNode readJson(Path modelJson) {
        try {
            return new ObjectMapper().readTree(Files.readAllBytes(modelJson));
        } catch (NoSuchFileException e) {
            throw new UserError("model file " + modelJson + " does not exist");
        } catch (JsonProcessingException e) {
            throw new UserError(modelJson + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UserError("cannot read " + modelJson + ": " + e.getMessage());
        }
    }

    private static List<String> names(JsonNode sigPart) {
        List<String> out = new ArrayList<>();
        sigPart.fields().forEachRemaining(e -> out.add(e.getValue().path("name").asText(e.getKey())));
        return out;
    }

    private static boolean hasValue(NodeDef n) {
        TensorProto t = n.getAttrOrDefault("value", AttrValue.getDefaultInstance()).getTensor();
        long elements = 1;
        for (TensorShapeProto.Dim d : t.getTensorShape().getDimList()) elements *= d.getSize();
        return elements == 0 || !t.getTensorContent().isEmpty() || t.getFloatValCount() > 0 || t.getIntValCount() > 0
                || t.getInt64ValCount() > 0 || t.getBoolValCount() > 0 || t.getStringValCount() > 0
                || t.getDoubleValCount() > 0 || t.getHalfValCount() > 0;
    }

    /** The group's shards, concatenated in manifest order (TF.js concatenates them the same way). */
    private static ByteBuffer readGroup(Path modelJson, JsonNode group, int groupNo) {
        Path dir = modelJson.toAbsolutePath().getParent();
        List<byte[]> parts = new ArrayList<>();
        int total = 0;
        for (JsonNode p : group.path("paths")) {
            Path shard = dir.resolve(p.asText());
            if (!Files.isRegularFile(shard)) {
                throw new UserError(modelJson + ": weight shard " + p.asText() + " (group " + groupNo
                        + " of weightsManifest) is missing; expected it at " + shard);
            }
            try {
                byte[] b = Files.readAllBytes(shard);
                parts.add(b);
                total = Math.addExact(total, b.length);
            } catch (IOException e) {
                throw new UserError("cannot read weight shard " + shard + ": " + e.getMessage());
            }
        }
        ByteBuffer all = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] b : parts) all.put(b);
        all.flip();
        return all;
    }

    private static int bytesPer(String dtype) {
        return switch (dtype) {
            case "float32", "int32" -> 4;
            case "float16", "uint16" -> 2;
            case "uint8", "bool" -> 1;
            case "complex64" -> 8;
            default -> -1;
        };
    }

    /** One weight, read at the buffer's position (which moves past it), as a TensorProto of its real dtype. */
    static TensorProto decode(JsonNode spec, ByteBuffer data, Path modelJson, int groupNo) {
        String name = spec.path("name").asText();
        String dtype = spec.path("dtype").asText();
        String where = modelJson + ": weight '" + name + "'";
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        long size = 1;
        for (JsonNode d : spec.path("shape")) {
            // a negative or absurd dimension would otherwise become a negative array size or an int overflow
            long dim = d.isNumber() || d.isTextual() ? d.asLong(-1) : -1;
            if (dim < 0) throw new UserError(where + " has shape " + spec.path("shape") + "; dimensions must be whole numbers >= 0");
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(dim));
            size = dim == 0 || size <= MAX_ELEMENTS / dim ? size * dim : MAX_ELEMENTS + 1;
        }
        if (size > MAX_ELEMENTS) throw new UserError(where + " has shape " + spec.path("shape") + ", more elements than a weight can hold");
        TensorProto.Builder t = TensorProto.newBuilder().setTensorShape(shape);
        JsonNode q = spec.get("quantization");
        if (q != null) {
            String qtype = q.path("dtype").asText();
            need(data, size * Math.max(1, bytesPer(qtype)), where, groupNo);
            switch (qtype) {
                case "float16" -> {
                    if (!dtype.equals("float32")) throw new UserError(where + " is float16-quantised but has dtype " + dtype + " (TF.js allows float32 only)");
                    ByteBuffer out = le((int) size * 4);
                    for (long i = 0; i < size; i++) out.putFloat(Half.toFloat(data.getShort()));
                    t.setDtype(DataType.DT_FLOAT).setTensorContent(ByteString.copyFrom(out.array()));
                }
                case "uint8", "uint16" -> {
                    if (!q.has("scale") || !q.has("min")) throw new UserError(where + " is " + qtype + "-quantised but has no scale and min");
                    double scale = q.get("scale").asDouble();
                    double min = q.get("min").asDouble();
                    ByteBuffer out = le((int) size * 4);
                    for (long i = 0; i < size; i++) {
                        int v = qtype.equals("uint8") ? data.get() & 0xff : data.getShort() & 0xffff;
                        switch (dtype) {
                            case "float32" -> out.putFloat((float) (v * scale + min));
                            case "int32" -> out.putInt((int) Math.round(v * scale + min));
                            default -> throw new UserError(where + ": " + qtype + " quantisation of dtype " + dtype + " is not defined in TF.js");
                        }
                    }
                    t.setDtype(dtype.equals("float32") ? DataType.DT_FLOAT : DataType.DT_INT32).setTensorContent(ByteString.copyFrom(out.array()));
                }
                default -> throw new UserError(where + " has unknown quantisation dtype '" + qtype + "' (TF.js supports uint8, uint16, float16)");
            }
            return t.build();
        }
        switch (dtype) {
            case "float32", "int32", "bool", "complex64" -> {
                int n = (int) (size * bytesPer(dtype));
                need(data, n, where, groupNo);
                byte[] raw = new byte[n];
                data.get(raw);
                t.setDtype(switch (dtype) {
                    case "float32" -> DataType.DT_FLOAT;
                    case "int32" -> DataType.DT_INT32;
                    case "bool" -> DataType.DT_BOOL;
                    default -> DataType.DT_COMPLEX64;
                }).setTensorContent(ByteString.copyFrom(raw));
            }
            case "string" -> {
                t.setDtype(DataType.DT_STRING);
                for (long i = 0; i < size; i++) {
                    need(data, 4, where, groupNo);
                    int len = data.getInt();
                    if (len < 0) throw new UserError(where + ": string " + i + " has length " + len + "; the weight shard is corrupt");
                    need(data, len, where, groupNo);
                    byte[] s = new byte[len];
                    data.get(s);
                    t.addStringVal(ByteString.copyFrom(s));
                }
            }
            default -> throw new UserError(where + " has dtype '" + dtype + "', which TF.js weights do not have");
        }
        return t.build();
    }

    private static void need(ByteBuffer data, long bytes, String where, int groupNo) {
        if (data.remaining() < bytes) {
            throw new UserError(where + " needs " + bytes + " bytes but the shards of group " + groupNo
                    + " have only " + data.remaining() + " left; a weight shard is truncated or belongs to another model");
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * TF.js has no int64: the converter stores int64 constants as int32 weights while the node keeps DT_INT64.
     * Widen them back so the graph is consistent.
     */
    private static TensorProto castTo(TensorProto t, DataType declared, String name) {
        if (declared == DataType.DT_INVALID || declared == t.getDtype()) return t;
        if (t.getDtype() == DataType.DT_INT32 && declared == DataType.DT_INT64) {
            ByteBuffer in = t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer out = le(in.remaining() * 2);
            while (in.hasRemaining()) out.putLong(in.getInt());
            return t.toBuilder().setDtype(DataType.DT_INT64).setTensorContent(ByteString.copyFrom(out.array())).build();
        }
        throw new UserError("weight '" + name + "' is " + t.getDtype() + " but its Const node declares " + declared);
    }
}
