package io.edgesight.models;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgesight.config.UserError;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** GraphDef edits the importer needs: tensor names, discovery of inputs/outputs, pruning, op checks. */
final class GraphTools {
    /** Output names the TF1 Object Detection API gives its exported detection graphs. */
    static final List<String> OD_API_OUTPUTS = List.of("detection_boxes", "detection_scores", "detection_classes", "num_detections");

    private static final Set<String> NOT_OUTPUTS = Set.of("Const", "NoOp", "Placeholder", "PlaceholderWithDefault",
            "Assert", "SaveV2", "RestoreV2", "VariableV2", "VarHandleOp", "Assign", "AssignVariableOp");

    private GraphTools() {}

    /** "node", "node:0" or "node:2" -> node name and output index. */
    record TensorName(String node, int index) {
        static TensorName parse(String s) {
            int c = s.lastIndexOf(':');
            if (c > 0 && s.substring(c + 1).matches("\\d+")) return new TensorName(s.substring(0, c), Integer.parseInt(s.substring(c + 1)));
            return new TensorName(s, 0);
        }

        @Override
        public String toString() { return index == 0 ? node : node + ":" + index; }
    }

    static Map<String, NodeDef> byName(GraphDef g) {
        Map<String, NodeDef> m = new HashMap<>();
        g.getNodeList().forEach(n -> m.put(n.getName(), n));
        return m;
    }

    static String nodeOf(String input) {
        String s = input.startsWith("^") ? input.substring(1) : input;
        return TensorName.parse(s).node();
    }

    static List<String> placeholders(GraphDef g) {
        List<String> out = new ArrayList<>();
        for (NodeDef n : g.getNodeList()) if (n.getOp().equals("Placeholder")) out.add(n.getName());
        return out;
    }

    /** The graph's natural outputs: the OD API's four if present, else nodes with data outputs nothing consumes. */
    static List<String> sinks(GraphDef g) {
        Map<String, NodeDef> nodes = byName(g);
        if (nodes.keySet().containsAll(OD_API_OUTPUTS)) return OD_API_OUTPUTS;
        Set<String> consumed = new HashSet<>();
        for (NodeDef n : g.getNodeList()) for (String in : n.getInputList()) consumed.add(nodeOf(in));
        List<String> out = new ArrayList<>();
        for (NodeDef n : g.getNodeList()) {
            if (consumed.contains(n.getName()) || NOT_OUTPUTS.contains(n.getOp())) continue;
            OpDef def = OpRegistry.get(n.getOp());
            if (def != null && def.getOutputArgCount() == 0) continue;
            if (n.getName().startsWith("save/") || n.getName().startsWith("init")) continue;
            out.add(n.getName());
        }
        return out;
    }

    /** Only the nodes the outputs depend on (data and control inputs). */
    static GraphDef prune(GraphDef g, List<String> outputNodes) {
        Map<String, NodeDef> nodes = byName(g);
        Set<String> keep = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(outputNodes);
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (!keep.add(n)) continue;
            NodeDef def = nodes.get(n);
            if (def == null) continue;
            for (String in : def.getInputList()) todo.push(nodeOf(in));
        }
        GraphDef.Builder b = g.toBuilder().clearNode();
        for (NodeDef n : g.getNodeList()) if (keep.contains(n.getName())) b.addNode(n.toBuilder().clearDevice());
        return b.build();
    }

    /** Every op must exist in this TensorFlow; names the first node of each unknown op. */
    static void checkOps(GraphDef g, String source) {
        Map<String, String> unknown = new java.util.LinkedHashMap<>();
        for (NodeDef n : g.getNodeList()) {
            if (!OpRegistry.known(n.getOp())) unknown.putIfAbsent(n.getOp(), n.getName());
        }
        for (var f : g.getLibrary().getFunctionList()) {
            for (NodeDef n : f.getNodeDefList()) {
                if (!OpRegistry.known(n.getOp())) unknown.putIfAbsent(n.getOp(), f.getSignature().getName() + "/" + n.getName());
            }
        }
        if (!unknown.isEmpty()) {
            StringBuilder sb = new StringBuilder(source).append(": ");
            unknown.forEach((op, node) -> sb.append("op '").append(op).append("' (node '").append(node).append("'), "));
            sb.setLength(sb.length() - 2);
            sb.append(unknown.size() == 1 ? " has" : " have").append(" no core TensorFlow equivalent; edgesight expands only ")
                    .append(String.join(", ", new java.util.TreeSet<>(FusedOps.EXPANDED)));
            throw new UserError(sb.toString());
        }
    }

    /** Sets the static shape of a Placeholder (its "shape" attribute). */
    static GraphDef setPlaceholderShape(GraphDef g, String node, long[] dims) {
        GraphDef.Builder b = g.toBuilder();
        for (int i = 0; i < b.getNodeCount(); i++) {
            NodeDef n = b.getNode(i);
            if (!n.getName().equals(node)) continue;
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (long d : dims) s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
            b.setNode(i, n.toBuilder().putAttr("shape", AttrValue.newBuilder().setShape(s).build()).build());
        }
        return b.build();
    }

    /** The name of the channels-last Placeholder that {@link #channelsLastInput} puts in front of a planar input. */
    static String channelsLastName(String node) { return node + "/nhwc"; }

    /**
     * A planar image input [N, 3, H, W] (PyTorch exports converted to TF.js, e.g. NanoDet) fed channels-last: the
     * Placeholder becomes a Transpose (same name, so its consumers are unchanged) of a new [N, H, W, 3] Placeholder,
     * because edgesight's TensorFlow engine writes interleaved pixels.
     */
    static GraphDef channelsLastInput(GraphDef g, String node, long[] nchw) {
        GraphDef.Builder b = g.toBuilder();
        for (int i = 0; i < b.getNodeCount(); i++) {
            NodeDef n = b.getNode(i);
            if (!n.getName().equals(node)) continue;
            AttrValue dtype = n.getAttrOrThrow("dtype");
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (long d : new long[] {nchw[0], nchw[2], nchw[3], nchw[1]}) s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
            String in = channelsLastName(node), perm = node + "/nhwc_to_nchw";
            b.setNode(i, NodeDef.newBuilder().setName(node).setOp("Transpose").addInput(in).addInput(perm)
                    .putAttr("T", dtype).putAttr("Tperm", AttrValue.newBuilder().setType(DataType.DT_INT32).build()).build());
            b.addNode(NodeDef.newBuilder().setName(in).setOp("Placeholder").putAttr("dtype", dtype)
                    .putAttr("shape", AttrValue.newBuilder().setShape(s).build()));
            TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_INT32)
                    .setTensorShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(4)));
            for (int d : new int[] {0, 3, 1, 2}) t.addIntVal(d);
            b.addNode(NodeDef.newBuilder().setName(perm).setOp("Const")
                    .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_INT32).build())
                    .putAttr("value", AttrValue.newBuilder().setTensor(t).build()));
            return b.build();
        }
        throw new IllegalArgumentException("no node " + node);
    }

    static long[] placeholderShape(GraphDef g, String node) {
        NodeDef n = byName(g).get(node);
        if (n == null || !n.containsAttr("shape")) return null;
        TensorShapeProto s = n.getAttrOrThrow("shape").getShape();
        if (s.getUnknownRank()) return null;
        long[] d = new long[s.getDimCount()];
        for (int i = 0; i < d.length; i++) d[i] = s.getDim(i).getSize();
        return d;
    }
}
