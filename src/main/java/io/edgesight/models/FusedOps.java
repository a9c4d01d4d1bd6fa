package io.edgesight.models;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.edgesight.config.UserError;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Rewrites fused ops into the core TensorFlow ops they stand for, so any TensorFlow build can run the graph:
 * <ul>
 *   <li>{@code FusedDepthwiseConv2dNative} (TF.js only), {@code _FusedConv2D} and {@code _FusedMatMul} (grappler
 *       internals that TF.js graph models carry): the base op ({@code DepthwiseConv2dNative}, {@code Conv2D},
 *       {@code MatMul}) followed by each entry of {@code fused_ops} in order, each taking its extra inputs from
 *       the node's {@code args}: BiasAdd (bias), Add (addend), FusedBatchNorm (scale, offset, mean, variance,
 *       {@code epsilon}), Prelu (alpha), and the activations Relu, Relu6, Elu, Selu, Sigmoid, Tanh, LeakyRelu
 *       ({@code leakyrelu_alpha}, default 0.2 as in TF.js);</li>
 *   <li>{@code Prelu} (TF.js only): {@code relu(x) - alpha * relu(-x)}, which is {@code x} for x &ge; 0 and
 *       {@code alpha * x} otherwise, exactly as tfjs computes it.</li>
 * </ul>
 * The last node of an expansion keeps the fused node's name, so consumers need no rewiring.
 */
public final class FusedOps {
    static final Set<String> EXPANDED = Set.of("FusedDepthwiseConv2dNative", "_FusedConv2D", "_FusedMatMul", "Prelu");

    private FusedOps() {}

    public static GraphDef expand(GraphDef graph, String source) {
        Set<String> names = new HashSet<>();
        graph.getNodeList().forEach(n -> names.add(n.getName()));
        GraphDef.Builder out = graph.toBuilder().clearNode();
        for (NodeDef n : graph.getNodeList()) {
            if (EXPANDED.contains(n.getOp())) {
                out.addAllNode(new Expansion(n, names, source).run());
            } else {
                out.addNode(n);
            }
        }
        return out.build();
    }

    private static final class Expansion {
        private final NodeDef node;
        private final Set<String> names;
        private final String source;
        private final List<NodeDef> nodes = new ArrayList<>();
        private final List<String> data = new ArrayList<>();
        private final List<String> control = new ArrayList<>();
        private final AttrValue t;

        Expansion(NodeDef node, Set<String> names, String source) {
            this.node = node;
            this.names = names;
            this.source = source;
            for (String in : node.getInputList()) (in.startsWith("^") ? control : data).add(in);
            this.t = node.getAttrOrDefault("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build());
        }

        List<NodeDef> run() {
            if (node.getOp().equals("Prelu")) {
                if (data.size() != 2) throw bad("Prelu takes 2 inputs (x, alpha), got " + data.size());
                String out = prelu(data.get(0), data.get(1), true);
                return finish(out);
            }
            if (data.size() < 2) throw bad(node.getOp() + " needs at least 2 inputs, got " + data.size());
            String base = switch (node.getOp()) {
                case "_FusedConv2D" -> "Conv2D";
                case "FusedDepthwiseConv2dNative" -> "DepthwiseConv2dNative";
                default -> "MatMul";
            };
            List<String> fused = new ArrayList<>();
            node.getAttrOrDefault("fused_ops", AttrValue.getDefaultInstance()).getList().getSList()
                    .forEach(b -> fused.add(b.toStringUtf8()));
            List<String> args = data.subList(2, data.size());
            long numArgs = node.getAttrOrDefault("num_args", AttrValue.newBuilder().setI(args.size()).build()).getI();
            if (numArgs != args.size()) throw bad("num_args is " + numArgs + " but the node has " + args.size() + " extra inputs");
            String cur = add(base, List.of(data.get(0), data.get(1)), copyAttrs(base), fused.isEmpty());
            int k = 0;
            String format = node.getAttrOrDefault("data_format", AttrValue.newBuilder()
                    .setS(com.google.protobuf.ByteString.copyFromUtf8("NHWC")).build()).getS().toStringUtf8();
            for (int i = 0; i < fused.size(); i++) {
                boolean last = i == fused.size() - 1;
                String op = fused.get(i);
                switch (op) {
                    case "BiasAdd" -> {
                        k = needArgs(args, k, 1, op);
                        cur = add("BiasAdd", List.of(cur, args.get(k - 1)), Map.of("T", t, "data_format", str(format)), last);
                    }
                    case "Add", "AddV2" -> {
                        k = needArgs(args, k, 1, op);
                        cur = add("AddV2", List.of(cur, args.get(k - 1)), Map.of("T", t), last);
                    }
                    case "FusedBatchNorm", "FusedBatchNormV3" -> {
                        k = needArgs(args, k, 4, op);
                        float eps = node.getAttrOrDefault("epsilon", AttrValue.newBuilder().setF(1e-4f).build()).getF();
                        cur = add("FusedBatchNormV3", List.of(cur, args.get(k - 4), args.get(k - 3), args.get(k - 2), args.get(k - 1)),
                                Map.of("T", t, "U", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build(),
                                        "epsilon", AttrValue.newBuilder().setF(eps).build(),
                                        "data_format", str(format),
                                        "is_training", AttrValue.newBuilder().setB(false).build()), last);
                    }
                    case "Relu", "Relu6", "Elu", "Selu", "Sigmoid", "Tanh" -> cur = add(op, List.of(cur), Map.of("T", t), last);
                    case "LeakyRelu" -> {
                        float alpha = node.getAttrOrDefault("leakyrelu_alpha", AttrValue.newBuilder().setF(0.2f).build()).getF();
                        cur = add("LeakyRelu", List.of(cur), Map.of("T", t, "alpha", AttrValue.newBuilder().setF(alpha).build()), last);
                    }
                    case "Prelu" -> {
                        k = needArgs(args, k, 1, op);
                        cur = prelu(cur, args.get(k - 1), last);
                    }
                    default -> throw bad("fused op '" + op + "' has no core TensorFlow expansion here");
                }
            }
            if (k != args.size()) throw bad("fused_ops " + fused + " use " + k + " of its " + args.size() + " extra inputs");
            return finish(cur);
        }

        private List<NodeDef> finish(String last) {
            if (!last.equals(node.getName())) throw new IllegalStateException("expansion must end in " + node.getName());
            return nodes;
        }

        private int needArgs(List<String> args, int k, int n, String op) {
            if (k + n > args.size()) throw bad("fused op " + op + " needs " + n + " more input(s) than the node has");
            return k + n;
        }

        private String prelu(String x, String alpha, boolean last) {
            String pos = add("Relu", List.of(x), Map.of("T", t), false);
            String neg = add("Neg", List.of(x), Map.of("T", t), false);
            String negRelu = add("Relu", List.of(neg), Map.of("T", t), false);
            String scaled = add("Mul", List.of(alpha, negRelu), Map.of("T", t), false);
            return add("Sub", List.of(pos, scaled), Map.of("T", t), last);
        }

        /** Attributes of the fused node that the core op declares (strides, padding, dilations, ...). */
        private Map<String, AttrValue> copyAttrs(String op) {
            OpDef def = OpRegistry.get(op);
            Map<String, AttrValue> attrs = new java.util.LinkedHashMap<>();
            for (OpDef.AttrDef a : def.getAttrList()) {
                AttrValue v = node.getAttrMap().get(a.getName());
                if (v != null) attrs.put(a.getName(), v);
            }
            attrs.put("T", t);
            return attrs;
        }

        private String add(String op, List<String> inputs, Map<String, AttrValue> attrs, boolean last) {
            String name = last ? node.getName() : unique(node.getName() + "/" + op);
            NodeDef.Builder b = NodeDef.newBuilder().setName(name).setOp(op).addAllInput(inputs).putAllAttr(attrs);
            if (nodes.isEmpty()) b.addAllInput(control);
            nodes.add(b.build());
            return name;
        }

        private String unique(String base) {
            String name = base;
            for (int i = 1; names.contains(name); i++) name = base + "_" + i;
            names.add(name);
            return name;
        }

        private UserError bad(String what) {
            return new UserError(source + ": node '" + node.getName() + "' (" + node.getOp() + "): " + what);
        }

        private static AttrValue str(String s) {
            return AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8(s)).build();
        }
    }
}
