package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.edgesight.config.Settings;
import io.edgesight.tooling.ColourClassifier;
import io.edgesight.tooling.OnnxWriter;
import io.edgesight.preprocess.TensorLayout;
import io.edgesight.sample.ShapeRenderer;
import io.edgesight.testing.DetectorGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TensorRT I/O table and version choice that both API paths (TensorRT 8 by binding index, 10 by name) share,
 * on the binding tables of real models, recorded in src/test/resources/tensorrt/*.bindings.tsv: the sample colour
 * classifier ({@code edgesight onnx shapes}) and ONNX graphs with the signatures of the COCO detectors (the sample
 * CenterNet, an Ultralytics YOLOv8 export, a YOLOv8 export with NMS). Each table is the graph's inputs and outputs
 * as ONNX Runtime reads them; {@link #recordedTablesAreThoseOfTheGraphs} checks every recording against its graph
 * and, with -Dedgesight.record=true, writes them anew. They become binding rows the way TensorRT's ONNX parser
 * makes them: inputs first, then outputs, in graph order; -1 for a symbolic size; int64 tensors as int32 on
 * TensorRT 8 (its parser casts them down), int64 on 10. No GPU here: what TensorRT itself reports is not verified.
 */
class TrtIoTest {
    static final Path TABLES = Path.of("src/test/resources/tensorrt");

    /** A recorded row: what ONNX Runtime reads from the graph. */
    record Row(int index, String name, boolean input, String onnxType, long[] dims) {}

    static Map<String, Path> graphs(Path dir) throws IOException {
        Map<String, Path> g = new java.util.LinkedHashMap<>();
        g.put("shapes-colour", ColourClassifier.write(dir.resolve("shapes-colour.onnx")));
        g.put("coco-centernet", new DetectorGraphs("tower_0/images", false, 1, 512, 512, false)
                .output("tower_0/detections", OnnxWriter.FLOAT, new Object[] {1, 100, 6}, new long[] {1, 100, 6}, new float[600], true)
                .write(dir.resolve("coco-centernet.onnx")));
        g.put("coco-yolov8", new DetectorGraphs("images", false, "batch", 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {"batch", 84, 8400}, new long[] {1, 84, 8400}, new float[84 * 8400], true)
                .write(dir.resolve("coco-yolov8.onnx")));
        g.put("coco-yolov8-nms", new DetectorGraphs("images", false, 1, 640, 640)
                .output("num_dets", OnnxWriter.INT64, new Object[] {1, 1}, new long[] {1, 1}, new float[] {3}, true)
                .output("det_boxes", OnnxWriter.FLOAT, new Object[] {1, 100, 4}, new long[] {1, 100, 4}, new float[400], true)
                .output("det_scores", OnnxWriter.FLOAT, new Object[] {1, 100}, new long[] {1, 100}, new float[100], true)
                .output("det_classes", OnnxWriter.INT64, new Object[] {1, 100}, new long[] {1, 100}, new float[100], true)
                .write(dir.resolve("coco-yolov8-nms.onnx")));
        return g;
    }

    /** The graph's inputs then outputs, as ONNX Runtime reads them, in the recording's text form. */
    static String record(Path onnx) throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("# index\tname\tio\tonnx-type\tdims (-1 = symbolic)\n");
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(onnx.toString())) {
            int i = 0;
            for (boolean in : new boolean[] {true, false}) {
                for (NodeInfo n : (in ? s.getInputInfo() : s.getOutputInfo()).values()) {
                    TensorInfo t = (TensorInfo) n.getInfo();
                    String type = t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
                    List<String> d = new ArrayList<>();
                    for (long x : t.getShape()) d.add(Long.toString(x));
                    sb.append(i++).append('\t').append(n.getName()).append('\t').append(in ? "input" : "output").append('\t')
                            .append(type).append('\t').append(String.join(",", d)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    static List<Row> read(String table) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(TABLES.resolve(table + ".bindings.tsv"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) continue;
            String[] f = line.split("\t");
            String[] ds = f[4].split(",");
            long[] dims = new long[ds.length];
            for (int i = 0; i < ds.length; i++) dims[i] = Long.parseLong(ds[i]);
            rows.add(new Row(Integer.parseInt(f[0]), f[1], f[2].equals("input"), f[3], dims));
        }
        return rows;
    }

    /** The bindings TensorRT {@code major}'s ONNX parser gives for a recorded graph. */
    static List<TrtIo.Tensor> bindings(String table, int major) throws IOException {
        List<TrtIo.Tensor> t = new ArrayList<>();
        for (Row r : read(table)) {
            TrtDataType type = switch (r.onnxType()) {
                case "FLOAT" -> TrtDataType.FLOAT;
                case "FLOAT16" -> TrtDataType.HALF;
                case "UINT8" -> TrtDataType.UINT8;
                case "INT32" -> TrtDataType.INT32;
                case "INT64" -> major >= 10 ? TrtDataType.INT64 : TrtDataType.INT32;
                default -> throw new IllegalArgumentException(r.onnxType());
            };
            t.add(new TrtIo.Tensor(r.index(), r.name(), r.dims(), type, r.input()));
        }
        return t;
    }

    static ModelSpec spec(int batch, String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("edgesight.models.m.path", "model.onnx");
        m.put("edgesight.models.m.batch-size", Integer.toString(batch));
        for (int i = 0; i < kv.length; i += 2) m.put("edgesight.models.m." + kv[i], kv[i + 1]);
        return ModelSpec.from("m", new Settings(m::get));
    }

    @Test
    void recordedTablesAreThoseOfTheGraphs(@TempDir Path tmp) throws Exception {
        boolean write = Boolean.getBoolean("edgesight.record");
        for (Map.Entry<String, Path> g : graphs(tmp).entrySet()) {
            Path file = TABLES.resolve(g.getKey() + ".bindings.tsv");
            String recorded = record(g.getValue());
            if (write) {
                Files.writeString(file, "# " + g.getKey() + ": recorded by TrtIoTest (-Dedgesight.record=true) with ONNX Runtime "
                        + OrtEngine.version() + " reading the graph's inputs and outputs\n" + recorded);
            }
            String committed = Files.readString(file);
            assertThat(committed.substring(committed.indexOf('\n') + 1)).as(file.toString()).isEqualTo(recorded);
        }
    }

    @Test
    void theSampleClassifierAtBatchFour() throws Exception {
        for (int major : new int[] {8, 10}) {
            TrtIo io = TrtIo.of(spec(4), bindings("shapes-colour", major));
            assertThat(io.dynamicBatch).isTrue();
            assertThat(io.input.index()).isZero();
            assertThat(io.input.name()).isEqualTo(ColourClassifier.INPUT);
            assertThat(io.inputShape()).containsExactly(4, 3, 64, 64);
            assertThat(io.layout).isEqualTo(TensorLayout.NCHW);
            assertThat(io.height).isEqualTo(64);
            assertThat(io.width).isEqualTo(64);
            assertThat(io.inputBytes()).isEqualTo(4L * 3 * 64 * 64 * 4);
            int classes = ShapeRenderer.LABELS.size();
            assertThat(io.output.name()).isEqualTo(ColourClassifier.OUTPUT);
            assertThat(io.output.index()).isEqualTo(1);
            assertThat(io.output.shape()).containsExactly(4, classes);
            assertThat(io.output.bytes()).isEqualTo(4L * classes * 4);
            assertThat(io.readable()).extracting(o -> o.info().toString())
                    .containsExactly(new Outputs.Info(ColourClassifier.OUTPUT, "float32", new long[] {4, classes}).toString());
        }
    }

    @Test
    void theCocoCenterNetTakesBatchesOfExactlyOne() throws Exception {
        TrtIo io = TrtIo.of(spec(1), bindings("coco-centernet", 8));
        assertThat(io.dynamicBatch).isFalse();
        assertThat(io.layout).isEqualTo(TensorLayout.NHWC);
        assertThat(io.inputShape()).containsExactly(1, 512, 512, 3);
        assertThat(io.inputBytes()).isEqualTo(512L * 512 * 3 * 4);
        assertThat(io.output.name()).isEqualTo("tower_0/detections");
        assertThat(io.output.shape()).containsExactly(1, 100, 6);
        assertThat(io.output.bytes()).isEqualTo(100L * 6 * 4);
        assertThatThrownBy(() -> TrtIo.of(spec(4), bindings("coco-centernet", 8)))
                .hasMessage("model 'm' takes batches of exactly 1 but edgesight.models.m.batch-size is 4; set it to 1 or"
                        + " export the model with a dynamic batch dimension");
    }

    @Test
    void aDynamicYoloHeadTakesTheConfiguredBatch() throws Exception {
        TrtIo io = TrtIo.of(spec(2), bindings("coco-yolov8", 8));
        assertThat(io.dynamicBatch).isTrue();
        assertThat(io.inputShape()).containsExactly(2, 3, 640, 640);
        assertThat(io.output.shape()).containsExactly(2, 84, 8400);
        assertThat(io.output.bytes()).isEqualTo(2L * 84 * 8400 * 4);
        // a size the context leaves open never makes a 0-byte buffer
        assertThat(TrtIo.bufferBytes(new long[] {2, -1, 7}, TrtDataType.FLOAT)).isEqualTo(2 * 7 * 4);
        assertThat(TrtIo.bufferBytes(new long[] {0, 7}, TrtDataType.FLOAT)).isEqualTo(7 * 4);
    }

    @Test
    void nmsOutputsAreInt32OnTensorRt8AndInt64On10() throws Exception {
        TrtIo trt8 = TrtIo.of(spec(1, "output", "det_boxes"), bindings("coco-yolov8-nms", 8));
        assertThat(trt8.outputs).extracting(TrtIo.Io::index).containsExactly(1, 2, 3, 4);
        assertThat(trt8.readable()).extracting(o -> o.name() + " " + o.type().dtype + " " + o.bytes()).containsExactly(
                "det_boxes float32 1600", "det_classes int32 400", "det_scores float32 400", "num_dets int32 4");
        TrtIo trt10 = TrtIo.of(spec(1, "output", "det_boxes"), bindings("coco-yolov8-nms", 10));
        assertThat(trt10.readable()).extracting(o -> o.name() + " " + o.type().dtype + " " + o.bytes()).containsExactly(
                "det_boxes float32 1600", "det_classes int64 800", "det_scores float32 400", "num_dets int64 8");
        assertThat(trt10.output.name()).isEqualTo("det_boxes");
        assertThatThrownBy(() -> TrtIo.of(spec(1, "output", "boxes"), bindings("coco-yolov8-nms", 8)))
                .hasMessage("model 'm' has no output 'boxes'; its outputs are [num_dets, det_boxes, det_scores, det_classes]");
    }

    @Test
    void whatTheTableRefuses() throws Exception {
        List<TrtIo.Tensor> two = new ArrayList<>(bindings("shapes-colour", 8));
        two.add(new TrtIo.Tensor(2, "mask", new long[] {-1, 1, 64, 64}, TrtDataType.FLOAT, true));
        assertThatThrownBy(() -> TrtIo.of(spec(1), two))
                .hasMessage("model 'm': the TensorRT engine has 2 inputs [image, mask]; edgesight feeds one image");
        List<TrtIo.Tensor> ints = List.of(new TrtIo.Tensor(0, "image", new long[] {1, 3, 64, 64}, TrtDataType.INT32, true),
                new TrtIo.Tensor(1, "out", new long[] {1, 5}, TrtDataType.FLOAT, false));
        assertThatThrownBy(() -> TrtIo.of(spec(1), ints))
                .hasMessage("model 'm' input 'image' is int32; edgesight feeds float32 or uint8 images");
        List<TrtIo.Tensor> fp8 = List.of(new TrtIo.Tensor(0, "image", new long[] {1, 3, 64, 64}, TrtDataType.FLOAT, true),
                new TrtIo.Tensor(1, "out", new long[] {1, 5}, TrtDataType.FP8, false));
        assertThatThrownBy(() -> TrtIo.of(spec(1), fp8))
                .hasMessage("model 'm' output 'out' is fp8; the decoders read numbers (float or integer)");
        assertThatThrownBy(() -> TrtDataType.of(42)).hasMessageContaining("data type 42");
    }

    @Test
    void theLibraryVersionOfBothEncodings() {
        assertThat(TrtLibrary.version(100600)).isEqualTo("10.6.0");
        assertThat(TrtLibrary.version(100300)).isEqualTo("10.3.0");
        assertThat(TrtLibrary.version(8001)).isEqualTo("8.0.1");
        assertThat(TrtLibrary.version(8201)).isEqualTo("8.2.1");
        assertThat(TrtLibrary.version(8502)).isEqualTo("8.5.2");
    }

    @Test
    void aJarForAnotherTensorRtSaysWhichJarToUse() {
        assertThat(TrtVersions.mismatch(8, "8.2.1", true)).isNull();
        assertThat(TrtVersions.mismatch(10, "10.3.0", true)).isNull();
        assertThat(TrtVersions.mismatch(8, "10.3.0", true)).isEqualTo("this jar speaks TensorRT 8; the board has TensorRT"
                + " 10.3.0: use edgesight-jetpack6.jar (mvn -B -DskipTests -Pjetpack6 package, docs/JETSON.md)");
        assertThat(TrtVersions.mismatch(10, "8.2.1", true)).isEqualTo("this jar speaks TensorRT 10; the board has TensorRT"
                + " 8.2.1: use edgesight-jetpack4.jar (mvn -B -DskipTests -Pjetpack4 package, docs/JETSON.md)");
        assertThat(TrtVersions.mismatch(10, "8.5.2", true)).endsWith("8.5.2: use edgesight-jetpack5.jar (mvn -B -DskipTests"
                + " -Pjetpack5 package, docs/JETSON.md)");
        assertThat(TrtVersions.mismatch(10, "8.6.2", true)).isEqualTo("this jar speaks TensorRT 10; the board has TensorRT"
                + " 8.6.2: no edgesight jar is built for TensorRT 8.6.2 (JetPack 6.0); move the board to JetPack 6.1 or later"
                + " (TensorRT 10) and use edgesight-jetpack6.jar (mvn -B -DskipTests -Pjetpack6 package, docs/JETSON.md)");
        assertThat(TrtVersions.mismatch(10, "8", true)).contains("use edgesight-jetpack4.jar").contains("edgesight-jetpack5.jar");
        assertThat(TrtVersions.mismatch(10, "8.6.1", false)).startsWith("this jar speaks TensorRT 10; the machine has"
                + " TensorRT 8.6.1: the x86_64 jar (edgesight.jar) speaks TensorRT 10 only; install TensorRT 10");
    }

    @Test
    void theInstalledTensorRtIsReadFromTheLibraryNames(@TempDir Path tmp) throws Exception {
        Path jetpack4 = Files.createDirectories(tmp.resolve("aarch64-linux-gnu"));
        for (String f : List.of("libnvinfer.so", "libnvinfer.so.8", "libnvinfer.so.8.2.1", "libnvinfer_plugin.so.8.2.1",
                "libnvonnxparser.so.8")) {
            Files.writeString(jetpack4.resolve(f), "");
        }
        Path tar = Files.createDirectories(tmp.resolve("TensorRT-10.3.0/lib"));
        Files.writeString(tar.resolve("libnvinfer.so.10"), "");
        assertThat(TrtVersions.installed(List.of(jetpack4))).containsExactly("8.2.1");
        assertThat(TrtVersions.installed(List.of(tar, jetpack4, tmp.resolve("missing")))).containsExactly("8.2.1", "10");
        // the jetpack4 jar on a JetPack 6 board: its bindings' libnvinfer.so.8 is missing, libnvinfer.so.10 is there
        assertThat(TrtVersions.otherTensorRt(8, TrtVersions.installed(List.of(tar)), true))
                .isEqualTo("this jar speaks TensorRT 8; the board has TensorRT 10: use edgesight-jetpack6.jar (mvn -B"
                        + " -DskipTests -Pjetpack6 package, docs/JETSON.md)");
        assertThat(TrtVersions.otherTensorRt(8, TrtVersions.installed(List.of(jetpack4, tar)), true))
                .as("this jar's TensorRT is there too: the missing library itself is the message").isNull();
        assertThat(TrtVersions.otherTensorRt(10, List.of(), true)).isNull();
        assertThat(TrtVersions.searchPath("/opt/trt/lib::/x").subList(0, 2)).containsExactly(Path.of("/opt/trt/lib"), Path.of("/x"));
    }

    @Test
    void aMissingTensorRt8IsNamedWithWhatToInstall() {
        String nvinfer = "/root/.javacpp/cache/tensorrt-8.0-1.5.6-linux-arm64.jar/org/bytedeco/tensorrt/linux-arm64/"
                + "libjninvinfer.so: libnvinfer.so.8: cannot open shared object file: No such file or directory";
        assertThat(TrtLibrary.missingMessage(List.of(nvinfer), "TensorRT"))
                .isEqualTo("libnvinfer.so.8 (TensorRT 8) was not found; install TensorRT 8 (JetPack 4.6 or 5.1 on a Jetson has"
                        + " it: nvidia-tensorrt), or add the directory that holds it to LD_LIBRARY_PATH (docs/ENGINES.md, \"TensorRT\")");
    }

    @Test
    void thisJarSpeaksTensorRt10() {
        assertThat(TrtLibrary.jarMajor()).as("the default build carries the TensorRT 10 path only").isEqualTo(10);
    }
}
