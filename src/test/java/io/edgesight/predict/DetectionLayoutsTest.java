package io.edgesight.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.BatchMemory;
import io.edgesight.engine.InferredFrame;
import io.edgesight.engine.ModelSpec;
import io.edgesight.engine.OrtEngine;
import io.edgesight.engine.Outputs;
import io.edgesight.tooling.OnnxWriter;
import io.edgesight.preprocess.PreparedFrame;
import io.edgesight.preprocess.ResizeMode;
import io.edgesight.preprocess.Resizer;
import io.edgesight.testing.DetectorGraphs;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every detection layout edgesight decodes, from ONNX graphs with the signatures of the real exports (names,
 * shapes, element types; see {@link DetectorGraphs}), run in ONNX Runtime and decoded by the decoder the
 * start-up would build. Frames are 1280x720: letterboxed into 640x640 the picture is 640x360 at scale 0.5 with
 * 140 px bars above and below (source = (x / 0.5, (y - 140) / 0.5)); stretched, x / 0.5 and y / (640 / 720) = y * 1.125.
 * Every expected box below is worked out from that.
 */
class DetectionLayoutsTest {
    static final Path COCO = Path.of("samples/detector/coco-labels.txt");
    static final int ANCHORS_V8 = 8400, ANCHORS_V5 = 25200;

    @TempDir Path tmp;

    record Found(String label, int classId, double score, double x1, double y1, double x2, double y2) {}

    /** A model under test: its engine, decoder and how to run frames through both. */
    final class Model implements AutoCloseable {
        final OrtEngine engine;
        final Decoder decoder;
        final ResizeMode resize;

        Model(Path file, Map<String, String> keys) {
            Map<String, String> k = new HashMap<>(keys);
            k.put("edgesight.models.m.path", file.toString());
            k.putIfAbsent("edgesight.models.m.decoder", "detection");
            k.putIfAbsent("edgesight.models.m.labels", COCO.toString());
            k.putIfAbsent("edgesight.models.m.resize", "letterbox");
            Settings s = new Settings(k::get);
            ModelSpec spec = ModelSpec.from("m", s);
            resize = spec.resize();
            engine = OrtEngine.load(spec);
            try {
                engine.warmUp();
                decoder = Decoders.create(s, spec, engine.outputName(), engine.outputs(), engine.width(), engine.height());
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
        }

        /** Runs {@code frames} 1280x720 frames as one batch; the detections of each. */
        List<List<Found>> run(int frames) {
            List<List<Found>> all = new ArrayList<>();
            try (BatchMemory b = engine.allocateBatch(engine.batchSize());
                 Mat src = new Mat(720, 1280, opencv_core.CV_8UC3)) {
                Outputs out = engine.runAll(b, frames);
                for (int i = 0; i < frames; i++) {
                    Resizer.Resized r = Resizer.resize(src, engine.width(), engine.height(), resize);
                    try (PreparedFrame f = new PreparedFrame("cam", i, 0, 0, r.image(), r.transform(), 0)) {
                        InferredFrame in = new InferredFrame("m", f, out.rows(engine.outputName(), frames)[i],
                                engine.batchSize(), frames, 0, 0, 0, 0, out, i);
                        List<Found> found = new ArrayList<>();
                        for (PredictionItem p : decoder.decode(in).predictions()) {
                            DetectionItems.Item d = (DetectionItems.Item) p;
                            found.add(new Found(d.label(), d.classId(), d.score(), d.box().x1(), d.box().y1(), d.box().x2(), d.box().y2()));
                        }
                        all.add(found);
                    }
                }
            }
            return all;
        }

        List<Found> one() { return run(1).get(0); }

        DetectionLayout layout() { return ((DetectionItems) decoder).layout(); }

        @Override
        public void close() { engine.close(); }
    }

    static void assertFound(Found f, String label, double score, double x1, double y1, double x2, double y2) {
        assertThat(f.label()).isEqualTo(label);
        assertThat(f.score()).as("score of %s", label).isCloseTo(score, within(1e-5));
        // payload boxes are rounded to 0.1 px
        assertThat(new double[] {f.x1(), f.y1(), f.x2(), f.y2()}).as("box of %s", label)
                .containsExactly(new double[] {x1, y1, x2, y2}, within(0.051));
    }

    static Map<String, String> keys(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put("edgesight.models.m." + kv[i], kv[i + 1]);
        return m;
    }

    Path labels(String... names) throws Exception {
        return Files.write(tmp.resolve("labels-" + names.length + ".txt"), List.of(names));
    }

    /** A YOLOv8 head [84, 8400] (attrs first): a person, a near-duplicate person, a dog on the same box, a weak car. */
    static float[] yolov8Head(int classes, boolean attrsFirst) {
        int attrs = 4 + classes;
        float[] v = new float[attrs * ANCHORS_V8];
        java.util.function.BiConsumer<int[], float[]> put = (ac, x) -> {
            for (int i = 0; i < x.length; i++) {
                int attr = i < 4 ? i : 4 + ac[1];
                float value = i < 4 ? x[i] : x[4];
                v[attrsFirst ? attr * ANCHORS_V8 + ac[0] : ac[0] * attrs + attr] = value;
            }
        };
        put.accept(new int[] {100, 0}, new float[] {320, 320, 200, 100, 0.9f}); // person: 220,270 .. 420,370
        put.accept(new int[] {101, 0}, new float[] {322, 320, 200, 100, 0.8f}); // IoU 0.98 with it
        if (classes > 16) {
            put.accept(new int[] {102, 16}, new float[] {320, 320, 200, 100, 0.7f}); // a dog on the same box
            put.accept(new int[] {5000, 2}, new float[] {100, 200, 40, 40, 0.2f}); // below min-score 0.3
        }
        return v;
    }

    @Test
    void yolov8AttrsFirstIsInferredAndDecodedWithPerClassNmsAfterLetterbox() throws Exception {
        Path f = new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, 84, ANCHORS_V8}, new long[] {1, 84, ANCHORS_V8}, yolov8Head(80, true), true)
                .write(tmp.resolve("yolov8n.onnx"));
        try (Model m = new Model(f, keys())) {
            assertThat(m.layout()).isEqualTo(new DetectionLayout(DetectionDecoder.Format.YOLOV8, List.of("output0"), true));
            List<Found> out = m.one();
            // per-class NMS at IoU 0.45 (the YOLO default): the near-duplicate goes, the dog on the same box stays
            assertThat(out).hasSize(2);
            assertFound(out.get(0), "person", 0.9, 440, 260, 840, 460);
            assertFound(out.get(1), "dog", 0.7, 440, 260, 840, 460);
        }
        try (Model m = new Model(f, keys("nms", "class-agnostic"))) {
            assertThat(m.one()).extracting(Found::label).containsExactly("person");
        }
    }

    @Test
    void yolov8AnchorsFirstAfterStretch() throws Exception {
        Path f = new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, ANCHORS_V8, 84}, new long[] {1, ANCHORS_V8, 84}, yolov8Head(80, false), true)
                .write(tmp.resolve("yolov8-t.onnx"));
        try (Model m = new Model(f, keys("resize", "stretch"))) {
            assertThat(m.layout().attrsFirst()).isFalse();
            List<Found> out = m.one();
            assertThat(out).hasSize(2);
            // x / 0.5, y * 1.125: 270 -> 303.75, 370 -> 416.25
            assertFound(out.get(0), "person", 0.9, 440, 303.75, 840, 416.25);
            assertFound(out.get(1), "dog", 0.7, 440, 303.75, 840, 416.25);
        }
    }

    @Test
    void yolov8WithOneClass() throws Exception {
        Path f = new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, 5, ANCHORS_V8}, new long[] {1, 5, ANCHORS_V8}, yolov8Head(1, true), true)
                .write(tmp.resolve("yolov8-c1.onnx"));
        try (Model m = new Model(f, keys("labels", labels("face").toString()))) {
            List<Found> out = m.one();
            assertThat(out).hasSize(1);
            assertFound(out.get(0), "face", 0.9, 440, 260, 840, 460);
        }
    }

    /** A YOLOv5 head [25200, 5 + C]: objectness times the best class score. */
    static float[] yolov5Head(int classes) {
        int attrs = 5 + classes;
        float[] v = new float[ANCHORS_V5 * attrs];
        int a = 7 * attrs;
        v[a] = 320; v[a + 1] = 320; v[a + 2] = 200; v[a + 3] = 100; v[a + 4] = 0.9f; v[a + 5] = 0.8f; // 0.72
        if (classes > 1) v[a + 6] = 0.1f;
        int b = 8 * attrs; // class 0.99 but objectness 0.2: 0.198 < min-score
        v[b] = 100; v[b + 1] = 100; v[b + 2] = 50; v[b + 3] = 50; v[b + 4] = 0.2f; v[b + 5] = 0.99f;
        return v;
    }

    @Test
    void yolov5ScoresAreObjectnessTimesClass() throws Exception {
        Path f = new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, ANCHORS_V5, 85}, new long[] {1, ANCHORS_V5, 85}, yolov5Head(80), true)
                .write(tmp.resolve("yolov5s.onnx"));
        try (Model m = new Model(f, keys())) {
            assertThat(m.layout().format()).isEqualTo(DetectionDecoder.Format.YOLOV5);
            List<Found> out = m.one();
            assertThat(out).hasSize(1);
            assertFound(out.get(0), "person", 0.72, 440, 260, 840, 460);
        }
    }

    @Test
    void yolov5WithOneClassIsAmbiguousUntilTheBoxFormatIsSet() throws Exception {
        Path f = new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, ANCHORS_V5, 6}, new long[] {1, ANCHORS_V5, 6}, yolov5Head(1), true)
                .write(tmp.resolve("yolov5-c1.onnx"));
        String face = labels("face").toString();
        // [1, 25200, 6] with one label: six columns of x1, y1, x2, y2, score, class, or a YOLOv5 head of one class
        assertThatThrownBy(() -> new Model(f, keys("labels", face))).isInstanceOf(UserError.class)
                .hasMessageContaining("output0 float32 [1, 25200, 6] fits several detection layouts with 1 labels")
                .hasMessageContaining("xyxy-score-class").hasMessageContaining("yolov5")
                .hasMessageContaining("set edgesight.models.m.box-format");
        try (Model m = new Model(f, keys("labels", face, "box-format", "yolov5"))) {
            List<Found> out = m.one();
            assertThat(out).hasSize(1);
            assertFound(out.get(0), "face", 0.72, 440, 260, 840, 460);
        }
    }

    @Test
    void nmsIncludedSixColumnsWithPaddingRowsAndNoDetections() throws Exception {
        float[] rows = new float[300 * 6]; // Ultralytics nms=True / YOLOv10: [1, 300, 6], unused rows all zero
        System.arraycopy(new float[] {220, 270, 420, 370, 0.9f, 0, 10, 150, 30, 170, 0.5f, 2}, 0, rows, 0, 12);
        Path f = new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, 300, 6}, new long[] {1, 300, 6}, rows, true)
                .write(tmp.resolve("yolo11n-nms.onnx"));
        try (Model m = new Model(f, keys())) {
            assertThat(m.layout().format()).isEqualTo(DetectionDecoder.Format.XYXY_SCORE_CLASS);
            List<Found> out = m.one();
            assertThat(out).hasSize(2);
            assertFound(out.get(0), "person", 0.9, 440, 260, 840, 460);
            // 10,150 .. 30,170 -> 20,20 .. 60,60
            assertFound(out.get(1), "car", 0.5, 20, 20, 60, 60);
        }
        // K = 0: a run that returns [1, 0, 6]
        Path empty = new DetectorGraphs("images", false, 1, 640, 640)
                .slicedOutput("output0", new Object[] {1, "k", 6}, new long[] {1, 300, 6}, rows, true, 0)
                .write(tmp.resolve("k0.onnx"));
        try (Model m = new Model(empty, keys("box-format", "xyxy-score-class"))) {
            assertThat(m.engine.outputs()).extracting(Object::toString).contains("output0 float32 [1, 0, 6]");
            assertThat(m.one()).isEmpty();
        }
    }

    @Test
    void aFixedBatchOfFourWithTwoFramesGivesEachFrameItsOwnRows() throws Exception {
        // frame i's only detection has class i: rows of the padding frames 2 and 3 are never read
        float[] v = new float[4 * 2 * 6];
        for (int i = 0; i < 4; i++) System.arraycopy(new float[] {220, 270, 420, 370, 0.9f - 0.1f * i, i}, 0, v, i * 12, 6);
        Path f = new DetectorGraphs("images", false, 4, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {4, 2, 6}, new long[] {4, 2, 6}, v, true)
                .write(tmp.resolve("fixed4.onnx"));
        try (Model m = new Model(f, keys("batch-size", "4"))) {
            List<List<Found>> out = m.run(2);
            assertThat(out).hasSize(2);
            assertFound(out.get(0).get(0), "person", 0.9, 440, 260, 840, 460);
            assertFound(out.get(1).get(0), "bicycle", 0.8, 440, 260, 840, 460);
            assertThat(out.get(0)).hasSize(1);
            assertThat(out.get(1)).hasSize(1);
        }
    }

    /** [M, 7] over a batch of two: frame 0 has a person, frame 1 a dog and a car. */
    Path batchRows(String output, boolean classFirst) throws Exception {
        float[][] r = {
                {0, 220, 270, 420, 370, 0, 0.9f},
                {1, 220, 270, 420, 370, 16, 0.8f},
                {1, 10, 150, 30, 170, 2, 0.6f}};
        if (!classFirst) for (float[] x : r) { float c = x[5]; x[5] = x[6]; x[6] = c; }
        return new DetectorGraphs("images", false, "batch", 640, 640)
                .output(output, OnnxWriter.FLOAT, new Object[] {"num_dets", 7}, new long[] {3, 7}, DetectorGraphs.rows(r), false)
                .write(tmp.resolve(output + ".onnx"));
    }

    @Test
    void yolov7End2endRowsGoToTheFrameTheirBatchIndexNames() throws Exception {
        Path f = batchRows("output", true);
        assertThatThrownBy(() -> new Model(f, keys("batch-size", "2"))).isInstanceOf(UserError.class)
                .hasMessageContaining("fits several detection layouts").hasMessageContaining("yolov7-end2end")
                .hasMessageContaining("yolo-nas-flat");
        try (Model m = new Model(f, keys("batch-size", "2", "box-format", "yolov7-end2end"))) {
            List<List<Found>> out = m.run(2);
            assertThat(out.get(0)).hasSize(1);
            assertFound(out.get(0).get(0), "person", 0.9, 440, 260, 840, 460);
            assertThat(out.get(1)).hasSize(2);
            assertFound(out.get(1).get(0), "dog", 0.8, 440, 260, 840, 460);
            assertFound(out.get(1).get(1), "car", 0.6, 20, 20, 60, 60);
        }
        // no detection in the whole batch: [0, 7]
        Path none = new DetectorGraphs("images", false, "batch", 640, 640)
                .slicedOutput("output", new Object[] {"num_dets", 7}, new long[] {1, 7}, new float[] {0, 1, 1, 9, 9, 0, 0.9f}, false, 0)
                .write(tmp.resolve("none.onnx"));
        try (Model m = new Model(none, keys("batch-size", "2", "box-format", "yolov7-end2end"))) {
            assertThat(m.run(2)).containsExactly(List.of(), List.of());
        }
    }

    @Test
    void yoloNasFlatHasTheScoreBeforeTheClass() throws Exception {
        Path f = batchRows("graph2_flat_predictions", false);
        try (Model m = new Model(f, keys("batch-size", "2", "box-format", "yolo-nas-flat"))) {
            List<List<Found>> out = m.run(2);
            assertThat(out.get(0)).extracting(Found::label).containsExactly("person");
            assertThat(out.get(1)).extracting(Found::label).containsExactly("dog", "car");
            assertFound(out.get(1).get(1), "car", 0.6, 20, 20, 60, 60);
        }
    }

    @Test
    void yoloNasBatchFormatHonoursTheCountAndInt64Classes() throws Exception {
        int k = 1000;
        float[] boxes = new float[k * 4], scores = new float[k], classes = new float[k];
        java.util.Arrays.fill(boxes, -1);
        java.util.Arrays.fill(scores, -1);
        java.util.Arrays.fill(classes, -1);
        System.arraycopy(new float[] {220, 270, 420, 370, 10, 150, 30, 170, 0, 140, 640, 500}, 0, boxes, 0, 12);
        scores[0] = 0.9f; scores[1] = 0.6f; scores[2] = 0.95f; // row 2 is past the count: never reported
        classes[0] = 0; classes[1] = 2; classes[2] = 5;
        Path f = new DetectorGraphs("input", true, 1, 640, 640)
                .output("graph2_num_predictions", OnnxWriter.INT64, new Object[] {1, 1}, new long[] {1, 1}, new float[] {2}, true)
                .output("graph2_pred_boxes", OnnxWriter.FLOAT, new Object[] {1, k, 4}, new long[] {1, k, 4}, boxes, true)
                .output("graph2_pred_scores", OnnxWriter.FLOAT, new Object[] {1, k}, new long[] {1, k}, scores, true)
                .output("graph2_pred_classes", OnnxWriter.INT64, new Object[] {1, k}, new long[] {1, k}, classes, true)
                .write(tmp.resolve("yolo_nas_s.onnx"));
        try (Model m = new Model(f, keys("normalize", "raw", "channel-order", "BGR"))) {
            assertThat(m.layout()).isEqualTo(new DetectionLayout(DetectionDecoder.Format.NUM_BOXES_SCORES_CLASSES,
                    List.of("graph2_num_predictions", "graph2_pred_boxes", "graph2_pred_scores", "graph2_pred_classes"), false));
            List<Found> out = m.one();
            assertThat(out).hasSize(2);
            assertFound(out.get(0), "person", 0.9, 440, 260, 840, 460);
            assertFound(out.get(1), "car", 0.6, 20, 20, 60, 60);
        }
    }

    @Test
    void efficientNmsStyleOutputsDropMinusOnePaddingAndReportNothingForZeroDetections() throws Exception {
        int k = 100;
        float[] boxes = new float[k * 4], scores = new float[k], classes = new float[k];
        java.util.Arrays.fill(classes, -1);
        System.arraycopy(new float[] {220, 270, 420, 370, 0, 0, 640, 640}, 0, boxes, 0, 8);
        scores[0] = 0.9f; scores[1] = 0.99f; classes[0] = 0; // row 1: a padding row (class -1) with a high score
        for (int count : new int[] {2, 0}) {
            Path f = new DetectorGraphs("images", false, 1, 640, 640)
                    .output("num_dets", DetectorGraphs.INT32, new Object[] {1, 1}, new long[] {1, 1}, new float[] {count}, true)
                    .output("det_boxes", OnnxWriter.FLOAT, new Object[] {1, k, 4}, new long[] {1, k, 4}, boxes, true)
                    .output("det_scores", OnnxWriter.FLOAT, new Object[] {1, k}, new long[] {1, k}, scores, true)
                    .output("det_classes", DetectorGraphs.INT32, new Object[] {1, k}, new long[] {1, k}, classes, true)
                    .write(tmp.resolve("yolov7-trt-" + count + ".onnx"));
            try (Model m = new Model(f, keys("resize", "stretch"))) {
                List<Found> out = m.one();
                if (count == 0) {
                    assertThat(out).isEmpty();
                } else {
                    assertThat(out).hasSize(1);
                    assertFound(out.get(0), "person", 0.9, 440, 303.75, 840, 416.25);
                }
            }
        }
    }

    @Test
    void tensorFlowEnginesReturnEveryOutputWithIntegerTypesConverted() throws Exception {
        float[] boxes = {220, 270, 420, 370, 10, 150, 30, 170, 0, 0, 640, 640};
        float[] scores = {0.9f, 0.6f, 0.99f};
        long[] classes = {0, 2, -1}; // the third row is padding
        Path dir = io.edgesight.testing.TestModels.efficientNms(tmp.resolve("nms"), 640, 640, boxes, scores, classes, 3);
        Map<String, String> k = new HashMap<>(keys("path", dir.toString(), "decoder", "detection", "labels", COCO.toString(),
                "resize", "letterbox", "batch-size", "2"));
        Settings s = new Settings(k::get);
        ModelSpec spec = ModelSpec.from("m", s);
        try (io.edgesight.engine.TfEngine e = io.edgesight.engine.TfEngine.load(spec)) {
            e.warmUp();
            assertThat(e.outputs()).extracting(Object::toString).containsExactly("det_boxes float32 [2, 3, 4]",
                    "det_classes int64 [2, 3]", "det_scores float32 [2, 3]", "num_dets int32 [2, 1]");
            Decoder d = Decoders.create(s, spec, e.outputName(), e.outputs(), e.width(), e.height());
            assertThat(Decoders.layoutOf(d).format()).isEqualTo(DetectionDecoder.Format.NUM_BOXES_SCORES_CLASSES);
            try (BatchMemory b = e.allocateBatch(2); Mat src = new Mat(720, 1280, opencv_core.CV_8UC3)) {
                Outputs out = e.runAll(b, 2);
                assertThat(out.get("det_classes").values()).containsExactly(0, 2, -1, 0, 2, -1);
                assertThat(out.get("num_dets").values()).containsExactly(3, 3);
                for (int i = 0; i < 2; i++) {
                    Resizer.Resized r = Resizer.resize(src, 640, 640, ResizeMode.LETTERBOX);
                    try (PreparedFrame f = new PreparedFrame("cam", i, 0, 0, r.image(), r.transform(), 0)) {
                        List<? extends PredictionItem> items = d.decode(new InferredFrame("m", f, out.get(e.outputName()).row(i),
                                2, 2, 0, 0, 0, 0, out, i)).predictions();
                        assertThat(items).hasSize(2);
                        DetectionItems.Item car = (DetectionItems.Item) items.get(1);
                        assertThat(car.label()).isEqualTo("car");
                        assertThat(new double[] {car.box().x1(), car.box().y1(), car.box().x2(), car.box().y2()})
                                .containsExactly(20, 20, 60, 60);
                    }
                }
            }
        }
    }

    @Test
    void odApiFromTf2onnxIsFoundByItsTensorNames() throws Exception {
        int k = 100;
        float[] boxes = new float[k * 4], scores = new float[k], classes = new float[k];
        // normalised ymin, xmin, ymax, xmax of the 300x300 input
        System.arraycopy(new float[] {0.5f, 0.25f, 0.75f, 0.75f}, 0, boxes, 0, 4);
        // class-offset 1: id 17 is the 17th label (dog) of the 80-line file; row 1 is past num_detections
        scores[0] = 0.8f; classes[0] = 17; scores[1] = 0.9f; classes[1] = 1;
        Path f = new DetectorGraphs("image_tensor:0", true, 1, 300, 300, false)
                .output("detection_boxes:0", OnnxWriter.FLOAT, new Object[] {1, k, 4}, new long[] {1, k, 4}, boxes, true)
                .output("detection_scores:0", OnnxWriter.FLOAT, new Object[] {1, k}, new long[] {1, k}, scores, true)
                .output("detection_classes:0", OnnxWriter.FLOAT, new Object[] {1, k}, new long[] {1, k}, classes, true)
                .output("num_detections:0", OnnxWriter.FLOAT, new Object[] {1}, new long[] {1}, new float[] {1}, true)
                .write(tmp.resolve("ssd_mobilenet_v1.onnx"));
        // 1280x720 letterboxed into 300x300: scale 300/1280 = 0.234375, picture 300x169 (168.75 rounded), padY 65
        try (Model m = new Model(f, keys("normalize", "raw"))) {
            assertThat(m.layout().format()).isEqualTo(DetectionDecoder.Format.OD_API);
            List<Found> out = m.one();
            assertThat(out).hasSize(1);
            // model px: x 75 .. 225, y 150 .. 225; source: x / 0.234375 = 320 .. 960; y: scaleY = 169/720,
            // (150 - 65) / (169/720) = 362.13, (225 - 65) / (169/720) = 681.66
            assertFound(out.get(0), "dog", 0.8, 320, 362.1, 960, 681.7);
        }
    }

    @Test
    void aLayoutThatMatchesNoDecoderAndABoxFormatThatContradictsTheShapesStopTheStart() throws Exception {
        Path f = new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, 84, ANCHORS_V8}, new long[] {1, 84, ANCHORS_V8}, yolov8Head(80, true), true)
                .write(tmp.resolve("yolov8n.onnx"));
        assertThatThrownBy(() -> new Model(f, keys("box-format", "yolov5"))).isInstanceOf(UserError.class)
                .hasMessage("edgesight.models.m.box-format=yolov5 needs [N, anchors, 85] cx, cy, w, h, objectness, 80 class scores,"
                        + " but model 'm' outputs [output0 float32 [1, 84, 8400]]; fix edgesight.models.m.box-format"
                        + " (or set it to auto to infer it from the shapes)");
        assertThatThrownBy(() -> new Model(f, keys("box-format", "od-api"))).isInstanceOf(UserError.class)
                .hasMessageStartingWith("edgesight.models.m.box-format=od-api needs outputs detection_boxes");
        // 80 labels, but a head of 4 + 76 classes
        assertThatThrownBy(() -> new Model(f, keys("labels", labels(java.util.stream.IntStream.range(0, 76).mapToObj(i -> "c" + i).toArray(String[]::new)).toString())))
                .isInstanceOf(UserError.class);
        Path odd = new DetectorGraphs("images", false, 1, 640, 640)
                .output("scores", OnnxWriter.FLOAT, new Object[] {1, 1000}, new long[] {1, 1000}, new float[1000], true)
                .write(tmp.resolve("classifier.onnx"));
        assertThatThrownBy(() -> new Model(odd, keys())).isInstanceOf(UserError.class)
                .hasMessage("model 'm': outputs [scores float32 [1, 1000]] match no detection layout with 80 labels; set"
                        + " edgesight.models.m.box-format to one of xyxy-score-class, yolov5, yolov8, yolov7-end2end,"
                        + " yolo-nas-flat, num-boxes-scores-classes, od-api, nanodet, blazeface (docs/MODELS.md), or edgesight.models.m.decoder=raw"
                        + " to see what the model outputs");
    }
}
