package io.edgesight.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.edgesight.engine.SavedModelFiles;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgesight.config.UserError;
import io.edgesight.predict.ModelDescriptor;
import io.edgesight.preprocess.ChannelOrder;
import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.ResizeMode;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * {@code edgesight model import}: a frozen GraphDef ({@code .pb}) or a TF.js graph model ({@code model.json})
 * becomes a SavedModel with a {@code serving_default} signature (weights as constants, no variables), plus the
 * model descriptor ({@link ModelDescriptor}) and labels next to it.
 */
public final class ModelImporter {
    public static final String METHOD_NAME = "tensorflow/serving/predict";

    /** What the user asked for; null means "infer it or ask". */
    public static final class Options {
        public Path source;
        public Path out;
        /** "name" or "key=name", name as node or node:index. */
        public List<String> inputs = new ArrayList<>();
        public List<String> outputs = new ArrayList<>();
        /** height, width of the image input, when the graph leaves them open. */
        public int[] inputSize;
        public String decoder, normalize, channelOrder, resize, boxFormat, boxCoordinates;
        public Path labels;
        public Double minScore, iouThreshold;
        public Integer maxDetections, classOffset, topK;
        public boolean noDescriptor, force;
    }

    public record Tensor1(String key, String tensor, DataType dtype, long[] shape) {
        @Override
        public String toString() {
            return "'" + key + "' (" + tensor + ") " + typeName(dtype) + " " + Arrays.toString(shape);
        }
    }

    static String typeName(DataType t) {
        return switch (t) {
            case DT_FLOAT -> "float32";
            case DT_DOUBLE -> "float64";
            default -> t.name().replace("DT_", "").toLowerCase(Locale.ROOT);
        };
    }

    public record Report(Path dir, String source, int nodes, Tensor1 input, List<Tensor1> outputs, ModelDescriptor descriptor,
                         String weightsNote, long smokeRunMillis) {}

    private ModelImporter() {}

    public static Report run(Options o) {
        if (o.source == null) throw new UserError("model import: give the model file (model.json or frozen .pb)");
        if (o.out == null) throw new UserError("model import: give --out DIR for the SavedModel");
        Path src = o.source;
        if (Files.isDirectory(src)) {
            if (Files.isRegularFile(src.resolve("saved_model.pb"))) {
                throw new UserError(src + " is already a SavedModel: point edgesight.models.<id>.path at it");
            }
            if (Files.isRegularFile(src.resolve("model.json"))) src = src.resolve("model.json");
            else throw new UserError(src + " has neither model.json (TF.js graph model) nor a .pb file given");
        }
        if (!Files.isRegularFile(src)) throw new UserError("model file " + src + " does not exist");
        if (Files.exists(o.out) && !o.force) throw new UserError(o.out + " already exists; pass --force to replace it");
        if (o.labels != null && !Files.isRegularFile(o.labels)) throw new UserError("labels file " + o.labels + " does not exist");

        String name = src.getFileName().toString();
        GraphDef graph;
        List<String> defaultInputs;
        List<String> defaultOutputs;
        String weightsNote = "";
        String kind;
        if (name.endsWith(".json")) {
            kind = "TF.js graph model";
            TfjsGraphModel.Loaded m = TfjsGraphModel.read(src);
            graph = m.graph();
            defaultInputs = m.signatureInputs();
            defaultOutputs = m.signatureOutputs();
            weightsNote = m.weights() + " weights, " + m.weightBytes() + " bytes of shards"
                    + (m.quantised().isEmpty() ? "" : ", de-quantised " + m.quantised());
        } else {
            kind = "frozen GraphDef";
            graph = readGraphDef(src);
            defaultInputs = List.of();
            defaultOutputs = List.of();
        }
        String source = name + " (" + kind + ")";

        // inputs and outputs: given, or from model.json's signature, or discovered
        List<String[]> ins = parseRefs(o.inputs);
        if (ins.isEmpty()) {
            List<String> cands = !defaultInputs.isEmpty() ? defaultInputs : GraphTools.placeholders(graph);
            if (cands.size() != 1) {
                throw new UserError(source + " has " + (cands.isEmpty() ? "no Placeholder" : cands.size() + " candidate inputs " + cands)
                        + "; name the image input with --input NAME");
            }
            ins.add(new String[] {null, cands.get(0)});
        }
        if (ins.size() != 1) throw new UserError("edgesight feeds one image input; give exactly one --input");
        List<String[]> outs = parseRefs(o.outputs);
        if (outs.isEmpty()) {
            List<String> cands = !defaultOutputs.isEmpty() ? defaultOutputs : GraphTools.sinks(graph);
            if (cands.isEmpty()) throw new UserError(source + ": cannot find an output; name it with --output NAME");
            if (defaultOutputs.isEmpty() && cands.size() > 1 && !cands.equals(GraphTools.OD_API_OUTPUTS)) {
                throw new UserError(source + " has several candidate outputs " + cands + "; choose with --output NAME (repeatable)");
            }
            for (String c : cands) outs.add(new String[] {null, c});
        }
        Map<String, org.tensorflow.proto.NodeDef> nodes = GraphTools.byName(graph);
        List<String[]> all = new ArrayList<>(ins);
        all.addAll(outs);
        for (String[] r : all) {
            String node = GraphTools.TensorName.parse(r[1]).node();
            if (!nodes.containsKey(node)) {
                throw new UserError(source + " has no node '" + node + "'" + suggest(node, nodes.keySet()));
            }
        }
        assignKeys(ins);
        assignKeys(outs);

        GraphTools.TensorName inName = GraphTools.TensorName.parse(ins.get(0)[1]);
        List<String> outNodes = outs.stream().map(r -> GraphTools.TensorName.parse(r[1]).node()).toList();
        graph = GraphTools.prune(graph, outNodes);
        if (!GraphTools.byName(graph).containsKey(inName.node())) {
            throw new UserError(source + ": the outputs " + outNodes + " do not depend on input '" + inName + "'");
        }
        long[] declared = GraphTools.placeholderShape(graph, inName.node());
        if (declared != null && declared.length == 4 && declared[1] == 3 && declared[3] != 3 && declared[2] > 0 && declared[3] > 0) {
            graph = GraphTools.channelsLastInput(graph, inName.node(), declared);
            weightsNote += (weightsNote.isEmpty() ? "" : ", ") + "planar input " + Arrays.toString(declared) + " fed channels-last";
            inName = new GraphTools.TensorName(GraphTools.channelsLastName(inName.node()), 0);
            declared = GraphTools.placeholderShape(graph, inName.node());
        }
        if (o.inputSize != null) {
            long batch = declared != null && declared.length == 4 ? declared[0] : -1;
            long ch = declared != null && declared.length == 4 && declared[3] > 0 ? declared[3] : 3;
            graph = GraphTools.setPlaceholderShape(graph, inName.node(), new long[] {batch, o.inputSize[0], o.inputSize[1], ch});
        }
        GraphTools.checkOps(graph, source);

        try (Graph g = new Graph()) {
            try {
                g.importGraphDef(graph);
            } catch (RuntimeException e) {
                throw new UserError(source + ": TensorFlow cannot import the graph: " + firstLine(e.getMessage()));
            }
            Output<?> inOut = output(g, inName, source);
            Tensor1 input = describe(ins.get(0)[0], inName, inOut);
            List<Output<?>> outOps = new ArrayList<>();
            List<Tensor1> outputs = new ArrayList<>();
            for (String[] r : outs) {
                GraphTools.TensorName tn = GraphTools.TensorName.parse(r[1]);
                Output<?> out = output(g, tn, source);
                outOps.add(out);
                outputs.add(describe(r[0], tn, out));
            }
            checkImage(input, source);
            ModelDescriptor descriptor = o.noDescriptor ? null : describe(o, source, input, outputs);

            Path tmp = tempDir(o.out);
            try {
                try (Session s = new Session(g)) {
                    Signature.Builder sig = Signature.builder().key(Signature.DEFAULT_KEY).methodName(METHOD_NAME)
                            .input(input.key(), inOut);
                    for (int i = 0; i < outputs.size(); i++) sig.output(outputs.get(i).key(), outOps.get(i));
                    SavedModelBundle.exporter(tmp.toString()).withFunction(SessionFunction.create(sig.build(), s)).export();
                }
                SavedModelFiles.canonicalize(tmp.resolve("saved_model.pb"));
                Path vars = tmp.resolve("variables");
                try (Stream<Path> st = Files.list(vars)) {
                    if (st.findAny().isEmpty()) Files.delete(vars);
                }
                if (o.labels != null) Files.copy(o.labels, tmp.resolve("labels.txt"), StandardCopyOption.REPLACE_EXISTING);
                if (descriptor != null) descriptor.write(tmp, source);
                long smoke = smokeRun(tmp, input, source);
                SavedModelFiles.replaceDir(tmp, o.out);
                return new Report(o.out, source, graph.getNodeCount(), input, outputs, descriptor, weightsNote, smoke);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (Files.exists(tmp)) SavedModelFiles.deleteTree(tmp);
            }
        }
    }

    // ------------------------------------------------------------------ descriptor

    /** Infers what it can from the graph, takes the rest from the flags, and lists the flags still missing. */
    static ModelDescriptor describe(Options o, String source, Tensor1 input, List<Tensor1> outputs) {
        Map<String, Tensor1> byKey = new LinkedHashMap<>();
        outputs.forEach(t -> byKey.put(t.key(), t));
        boolean odApi = byKey.keySet().containsAll(List.of("detection_boxes", "detection_scores", "detection_classes"));
        Tensor1 single = outputs.size() == 1 ? outputs.get(0) : null;
        boolean sixColumns = single != null && single.shape().length == 3 && single.shape()[2] == 6;

        String task = o.decoder;
        if (task == null) {
            if (odApi || sixColumns) task = "detection";
            else if (single != null && single.shape().length == 2) task = "classification";
        }
        List<String> missing = new ArrayList<>();
        if (task == null) missing.add("--decoder detection|classification");
        else if (!task.equals("detection") && !task.equals("classification")) {
            throw new UserError("--decoder must be detection or classification, got '" + task + "'");
        }
        String boxFormat = null, coords = null;
        Integer classOffset = o.classOffset;
        if ("detection".equals(task)) {
            boxFormat = o.boxFormat != null ? o.boxFormat : odApi ? "od-api" : sixColumns ? "xyxy-score-class" : null;
            if (boxFormat == null) missing.add("--box-format xyxy-score-class|od-api");
            else if (!io.edgesight.predict.DetectionDecoder.Format.keys().contains(boxFormat)) {
                throw new UserError("--box-format must be one of " + String.join(", ",
                        io.edgesight.predict.DetectionDecoder.Format.keys()) + ", got '" + boxFormat + "'");
            }
            coords = o.boxCoordinates != null ? o.boxCoordinates : "od-api".equals(boxFormat) ? "normalized" : null;
            if (coords == null) missing.add("--box-coordinates pixels|normalized (of the model input)");
            else if (!coords.equals("pixels") && !coords.equals("normalized")) {
                throw new UserError("--box-coordinates must be pixels or normalized, got '" + coords + "'");
            }
            if (classOffset == null && "od-api".equals(boxFormat)) classOffset = 1; // label map ids start at 1
        }
        String normalize = o.normalize != null ? o.normalize : input.dtype() == DataType.DT_UINT8 ? "raw" : null;
        if (normalize == null) missing.add("--normalize raw|unit|symmetric|caffe (float input: the pixel scale the model was trained on)");
        else Normalization.of(normalize, 3, new double[] {0, 0, 0}, new double[] {1, 1, 1}, "--normalize");
        String order = o.channelOrder != null ? o.channelOrder : odApi ? "RGB" : null;
        if (order == null) missing.add("--channel-order RGB|BGR");
        else order = ChannelOrder.parse(order, "--channel-order").name();
        String resize = ResizeMode.parse(o.resize != null ? o.resize : "stretch", "--resize").key();
        if (!missing.isEmpty()) {
            throw new UserError("cannot infer how to use " + source + "; pass " + String.join(", ", missing)
                    + " (or --no-descriptor to write only the SavedModel)");
        }
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("decoder", task);
        if (o.labels != null) d.put("labels", "labels.txt");
        d.put("batch-size", input.shape()[0] > 0 ? input.shape()[0] : 1);
        d.put("resize", resize);
        d.put("channel-order", order);
        d.put("normalize", normalize);
        if (task.equals("classification")) {
            d.put("output", single != null ? single.key() : null);
            d.put("top-k", o.topK);
            d.put("min-score", o.minScore);
        } else {
            d.put("output", boxFormat.equals("od-api") || single == null ? null : single.key()); // multi-output layouts read them all
            d.put("box-format", boxFormat);
            d.put("box-coordinates", coords);
            d.put("class-offset", classOffset);
            d.put("min-score", o.minScore != null ? o.minScore : 0.3);
            d.put("iou-threshold", o.iouThreshold);
            d.put("max-detections", o.maxDetections);
        }
        return ModelDescriptor.of(d);
    }

    // ------------------------------------------------------------------ helpers

    private static GraphDef readGraphDef(Path pb) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pb);
        } catch (IOException e) {
            throw new UserError("cannot read " + pb + ": " + e.getMessage());
        }
        try {
            SavedModel sm = SavedModel.parseFrom(bytes);
            if (sm.getMetaGraphsCount() > 0 && sm.getMetaGraphs(0).hasGraphDef()) {
                throw new UserError(pb + " is a SavedModel's saved_model.pb, not a frozen graph: point edgesight.models.<id>.path at its folder");
            }
        } catch (InvalidProtocolBufferException ignored) {
            // not a SavedModel: fine
        }
        try {
            GraphDef g = GraphDef.parseFrom(bytes);
            if (g.getNodeCount() == 0) throw new UserError(pb + " is not a frozen TensorFlow GraphDef (no nodes)");
            return g;
        } catch (InvalidProtocolBufferException e) {
            throw new UserError(pb + " is not a frozen TensorFlow GraphDef (.pb): " + e.getMessage());
        }
    }

    private static List<String[]> parseRefs(List<String> refs) {
        List<String[]> out = new ArrayList<>();
        for (String r : refs) {
            int eq = r.indexOf('=');
            out.add(eq > 0 ? new String[] {r.substring(0, eq), r.substring(eq + 1)} : new String[] {null, r});
        }
        return out;
    }

    /** Signature keys: the given alias, else the last path segment of the node name (full name if that clashes). */
    private static void assignKeys(List<String[]> refs) {
        Map<String, Integer> counts = new HashMap<>();
        for (String[] r : refs) if (r[0] == null) counts.merge(shortName(r[1]), 1, Integer::sum);
        for (String[] r : refs) {
            if (r[0] != null) continue;
            String s = shortName(r[1]);
            r[0] = counts.get(s) == 1 ? s : r[1].replaceAll("[^A-Za-z0-9_.-]", "_");
        }
    }

    private static String shortName(String tensor) {
        GraphTools.TensorName t = GraphTools.TensorName.parse(tensor);
        String n = t.node().substring(t.node().lastIndexOf('/') + 1);
        return t.index() == 0 ? n : n + "_" + t.index();
    }

    private static Output<?> output(Graph g, GraphTools.TensorName tn, String source) {
        var op = g.operation(tn.node());
        if (op == null) throw new UserError(source + " has no node '" + tn.node() + "' after import");
        if (tn.index() >= op.numOutputs()) {
            throw new UserError(source + ": node '" + tn.node() + "' has " + op.numOutputs() + " outputs, no output " + tn.index());
        }
        return op.output(tn.index());
    }

    private static Tensor1 describe(String key, GraphTools.TensorName tn, Output<?> out) {
        Shape s = out.shape();
        long[] dims = s.isUnknown() ? new long[0] : s.asArray();
        return new Tensor1(key, tn.toString(), out.dataType(), dims);
    }

    private static void checkImage(Tensor1 in, String source) {
        long[] s = in.shape();
        if (in.dtype() != DataType.DT_FLOAT && in.dtype() != DataType.DT_UINT8) {
            throw new UserError(source + ": input " + in + " must be float32 or uint8 pixels");
        }
        if (s.length != 4 || s[3] != 3) {
            throw new UserError(source + ": input " + in + " is not an image [batch, height, width, 3]");
        }
        if (s[1] <= 0 || s[2] <= 0) {
            throw new UserError(source + ": input " + in + " has no fixed height and width; pass --input-size HEIGHTxWIDTH");
        }
    }

    /** Loads the written SavedModel and runs one all-zero image through it: the import is usable or fails here. */
    private static long smokeRun(Path dir, Tensor1 input, String source) {
        long t0 = System.nanoTime();
        Shape shape = Shape.of(1, input.shape()[1], input.shape()[2], input.shape()[3]);
        try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG);
             Tensor in = input.dtype() == DataType.DT_UINT8 ? TUint8.tensorOf(shape) : TFloat32.tensorOf(shape);
             Result r = b.function(Signature.DEFAULT_KEY).call(Map.of(input.key(), in))) {
            if (r.size() == 0) throw new UserError(source + ": the imported model returned nothing");
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(source + ": the imported SavedModel does not run: " + firstLine(e.getMessage()));
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static Path tempDir(Path out) {
        Path abs = out.toAbsolutePath();
        try {
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempDirectory(abs.getParent(), abs.getFileName() + ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system
            }
            return tmp;
        } catch (IOException e) {
            throw new UserError("cannot create " + abs.getParent() + ": " + e.getMessage());
        }
    }

    private static String suggest(String name, java.util.Set<String> names) {
        List<String> near = names.stream().filter(n -> n.endsWith("/" + name) || n.contains(name)).sorted().limit(5).toList();
        return near.isEmpty() ? "" : "; similar: " + near;
    }

    static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Human summary and the configuration block, as the CLI prints them. */
    public static String summary(Report r, String id) {
        StringBuilder sb = new StringBuilder();
        sb.append("imported ").append(r.source()).append(" -> ").append(r.dir()).append('\n');
        sb.append("  graph: ").append(r.nodes()).append(" nodes").append(r.weightsNote().isEmpty() ? "" : ", " + r.weightsNote()).append('\n');
        sb.append("  input:  ").append(r.input()).append('\n');
        sb.append("  output: ").append(r.outputs().stream().map(Tensor1::toString).collect(Collectors.joining(", "))).append('\n');
        sb.append("  test run on a blank image: ").append(r.smokeRunMillis()).append(" ms (load + run)\n");
        if (r.descriptor() != null) {
            sb.append("  descriptor: ").append(r.dir().resolve(ModelDescriptor.PROPERTIES_FILE)).append('\n');
            sb.append("\nConfiguration (config/application.properties):\n");
            for (String l : r.descriptor().configLines(id, r.dir().toString())) sb.append(l).append('\n');
        }
        return sb.toString();
    }

    static String joinDims(long[] d) {
        return Arrays.stream(d).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
