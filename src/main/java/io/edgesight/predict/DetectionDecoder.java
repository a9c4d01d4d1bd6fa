package io.edgesight.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.ModelSpec;
import io.edgesight.preprocess.ResizeTransform;

/**
 * Turns a detector's raw output for one frame into {@link Detection}s with boxes in source-frame pixels.
 *
 * <p>Output forms ({@link Format}; {@link DetectionLayout} picks one from the output shapes or the
 * {@code box-format} key, and reads the frame's tensors):
 * <ul>
 *   <li>{@link Format#XYXY_SCORE_CLASS} {@code [N, K, 6]} x1, y1, x2, y2, score, class: CenterNet (TF.js), Ultralytics
 *       {@code export(nms=True)}, YOLOv10 ({@link #decode(float[], ResizeTransform)}).</li>
 *   <li>{@link Format#YOLOV5} {@code [N, anchors, 5+C]} cx, cy, w, h, objectness, C class scores: YOLOv5, YOLOv7
 *       without end2end, YOLOX; {@link Format#YOLOV8} {@code [N, 4+C, anchors]} (or anchors first) cx, cy, w, h,
 *       C class scores: YOLOv8, YOLO11 ({@link #decodeYolo}). These need non-maximum suppression.</li>
 *   <li>{@link Format#YOLOV7_END2END} and {@link Format#YOLO_NAS_FLAT} {@code [M, 7]} over the whole batch, the
 *       frame's index first ({@link #decodeBatchRows}).</li>
 *   <li>{@link Format#NUM_BOXES_SCORES_CLASSES} count {@code [N, 1]}, boxes {@code [N, K, 4]} x1, y1, x2, y2, scores
 *       {@code [N, K]}, classes {@code [N, K]}: TensorRT EfficientNMS, YOLO-NAS batch format ({@link #decodeBoxes}).</li>
 *   <li>{@link Format#OD_API}: the TF Object Detection API's detection_boxes [N, K, 4] as ymin, xmin, ymax, xmax,
 *       detection_scores [N, K], detection_classes [N, K] (label map ids, from 1), num_detections [N]
 *       ({@link #decodeOdApi}).</li>
 *   <li>{@link Format#NANODET}: NanoDet's GFL head, per stride class scores {@code [N, cells, C]} (sigmoid applied)
 *       and distance distributions {@code [N, cells, 4 * bins]} (left, top, right, bottom, {@code bins} logits each),
 *       cells of the input grid row by row ({@link #decodeNanoDet}).</li>
 *   <li>{@link Format#BLAZEFACE}: MediaPipe BlazeFace as converted to TF.js for Human: score logits
 *       {@code [N, 512, 1]} and {@code [N, 384, 1]}, regressors {@code [N, 512, 16]} and {@code [N, 384, 16]} (box
 *       centre offset and size in input pixels, six key points), 896 anchors ({@link #decodeBlazeFace}).</li>
 * </ul>
 * Box coordinates are either pixels of the model input or normalised to 0..1 of it; both are mapped back to the
 * source frame with the frame's {@link ResizeTransform} (stretch, letterbox or centre crop undone) and clipped to
 * it. Padding rows (score or class below 0) and rows past the valid count are dropped. Then: score threshold,
 * class allow-list, optional greedy non-maximum suppression (class-agnostic or per class, suppressing IoU &gt;
 * threshold like {@code tf.image.non_max_suppression}), best first, at most {@code maxDetections}.
 */
public final class DetectionDecoder {

    /** Output layouts, by their {@code edgesight.models.<id>.box-format} value. */
    public enum Format {
        AUTO("auto"),
        XYXY_SCORE_CLASS("xyxy-score-class"),
        YOLOV5("yolov5"),
        YOLOV8("yolov8"),
        YOLOV7_END2END("yolov7-end2end"),
        YOLO_NAS_FLAT("yolo-nas-flat"),
        NUM_BOXES_SCORES_CLASSES("num-boxes-scores-classes"),
        OD_API("od-api"),
        NANODET("nanodet"),
        BLAZEFACE("blazeface");

        private final String key;

        Format(String key) { this.key = key; }

        public String key() { return key; }

        /** Raw heads (YOLO, NanoDet): one candidate per anchor or cell, so suppression is on by default. */
        public boolean needsNms() { return this == YOLOV5 || this == YOLOV8 || this == NANODET || this == BLAZEFACE; }

        public static List<String> keys() { return Arrays.stream(values()).map(Format::key).toList(); }

        public static Format parse(String v, String where) {
            for (Format f : values()) if (f.key.equalsIgnoreCase(v.trim())) return f;
            throw new UserError(where + ": unknown box format '" + v + "'; use one of " + String.join(", ", keys()));
        }
    }

    public enum Coordinates {
        PIXELS, NORMALIZED;

        public static Coordinates parse(String v, String where) {
            try {
                return valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserError(where + ": unknown box coordinates '" + v + "'; use pixels or normalized (of the model input)");
            }
        }
    }

    /**
     * @param classes       allow-list of class ids or label names; empty = every class; entries "!name" are left out
     * @param iouThreshold  non-maximum suppression IoU; 0 or less = no suppression
     * @param classOffset   model class id of the first label (OD API label maps start at 1)
     */
    public record Config(Format format, Coordinates coordinates, double minScore, List<String> classes,
                         double iouThreshold, boolean nmsPerClass, int maxDetections, int classOffset) {

        /** Reads {@code edgesight.models.<id>.*} (box-format, box-coordinates, min-score, classes, iou-threshold, nms, max-detections, class-offset). */
        public static Config from(String id, Settings s) {
            String p = ModelSpec.PREFIX + id + ".";
            return from(id, s, Format.parse(s.string(p + "box-format"), p + "box-format"));
        }

        /**
         * As {@link #from(String, Settings)} for the layout {@link DetectionLayout} resolved: its defaults are
         * that layout's (od-api: normalised, class ids from 1; raw YOLO heads: per-class suppression at IoU 0.45,
         * as Ultralytics' own NMS).
         */
        public static Config from(String id, Settings s, Format format) {
            String p = ModelSpec.PREFIX + id + ".";
            Coordinates coords = Coordinates.parse(s.string(p + "box-coordinates",
                    format == Format.OD_API ? "normalized" : "pixels"), p + "box-coordinates");
            String classes = s.string(p + "classes", "");
            List<String> allow = classes.isBlank() ? List.of()
                    : Arrays.stream(classes.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            // Ultralytics' NMS is per class; Human suppresses NanoDet's candidates across classes
            String nms = s.string(p + "nms", format.needsNms() && format != Format.NANODET ? "per-class" : "class-agnostic");
            if (!nms.equals("class-agnostic") && !nms.equals("per-class")) {
                throw new UserError(p + "nms must be class-agnostic or per-class, got '" + nms + "'");
            }
            double iou = s.decimal(p + "iou-threshold", format.needsNms() ? 0.45 : 0.0);
            if (iou > 1) throw new UserError(p + "iou-threshold must be between 0 and 1, got " + iou);
            return new Config(format, coords, s.decimal(p + "min-score", 0.3), allow, iou, nms.equals("per-class"),
                    s.integer(p + "max-detections"),
                    s.integer(p + "class-offset", format == Format.OD_API ? 1 : 0, -1000, 1000));
        }
    }

    private final Labels labels;
    private final Config config;
    private final int inputWidth;
    private final int inputHeight;
    private final Set<Integer> allowed;
    private final Set<Integer> excluded;

    /**
     * @param inputWidth  model input width (pixels), to scale normalised coordinates
     * @param inputHeight model input height
     */
    public DetectionDecoder(Labels labels, Config config, int inputWidth, int inputHeight) {
        this.labels = labels;
        this.config = config;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.allowed = resolve(config.classes().stream().filter(c -> !c.startsWith("!")).toList());
        this.excluded = resolve(config.classes().stream().filter(c -> c.startsWith("!")).map(c -> c.substring(1).trim()).toList());
    }

    public Config config() { return config; }

    /** One frame of the [N, K, 6] form: K rows of x1, y1, x2, y2, score, class. */
    public List<Detection> decode(float[] rows, ResizeTransform t) {
        if (rows.length % 6 != 0) {
            throw new IllegalArgumentException("a xyxy-score-class output has 6 values per detection, got " + rows.length + " values");
        }
        List<Detection> raw = new ArrayList<>();
        for (int k = 0; k < rows.length / 6; k++) {
            int o = k * 6;
            candidate(raw, rows[o], rows[o + 1], rows[o + 2], rows[o + 3], rows[o + 4], rows[o + 5], t);
        }
        return select(raw);
    }

    /** One frame of the OD API form: boxes K*4 (ymin, xmin, ymax, xmax), scores K, classes K, and how many are valid. */
    public List<Detection> decodeOdApi(float[] boxes, float[] scores, float[] classes, int numDetections, ResizeTransform t) {
        return fourTensors(boxes, scores, classes, numDetections, true, t);
    }

    /**
     * One frame of the count/boxes/scores/classes form (EfficientNMS, YOLO-NAS batch format): boxes K*4 as x1, y1,
     * x2, y2, scores K, classes K; rows past {@code numDetections} (&lt; 0: all) and padding rows (-1) are dropped.
     */
    public List<Detection> decodeBoxes(float[] boxes, float[] scores, float[] classes, int numDetections, ResizeTransform t) {
        return fourTensors(boxes, scores, classes, numDetections, false, t);
    }

    private List<Detection> fourTensors(float[] boxes, float[] scores, float[] classes, int numDetections, boolean yx,
                                        ResizeTransform t) {
        int k = Math.min(Math.min(scores.length, classes.length), boxes.length / 4);
        int n = numDetections < 0 ? k : Math.min(numDetections, k);
        List<Detection> raw = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int o = 4 * i;
            if (yx) candidate(raw, boxes[o + 1], boxes[o], boxes[o + 3], boxes[o + 2], scores[i], classes[i], t);
            else candidate(raw, boxes[o], boxes[o + 1], boxes[o + 2], boxes[o + 3], scores[i], classes[i], t);
        }
        return select(raw);
    }

    /**
     * One frame of a raw YOLO head: {@code anchors} candidates of {@code attrs} values, cx, cy, w, h, then (YOLOv5,
     * {@code objectness}) the objectness and the class scores, or (YOLOv8) the class scores alone. The score is the
     * best class's (times the objectness). {@code attrsFirst}: the values are [attrs][anchors] (Ultralytics'
     * YOLOv8 export), else [anchors][attrs].
     */
    public List<Detection> decodeYolo(float[] v, int anchors, int attrs, boolean attrsFirst, boolean objectness, ResizeTransform t) {
        if ((long) anchors * attrs != v.length) {
            throw new IllegalArgumentException("a YOLO output of " + anchors + " x " + attrs + " has " + ((long) anchors * attrs)
                    + " values, got " + v.length);
        }
        int first = objectness ? 5 : 4;
        int classes = attrs - first;
        double min = config.minScore();
        List<Detection> raw = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            float obj = objectness ? at(v, a, 4, anchors, attrs, attrsFirst) : 1f;
            if (objectness && !(obj >= min)) continue;
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float sc = at(v, a, first + c, anchors, attrs, attrsFirst);
                if (sc > bestScore) {
                    bestScore = sc;
                    best = c;
                }
            }
            float score = bestScore * obj;
            if (best < 0 || !(score >= min)) continue;
            float cx = at(v, a, 0, anchors, attrs, attrsFirst), cy = at(v, a, 1, anchors, attrs, attrsFirst);
            float w = at(v, a, 2, anchors, attrs, attrsFirst), h = at(v, a, 3, anchors, attrs, attrsFirst);
            candidate(raw, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, best, t);
        }
        return select(raw);
    }

    /**
     * One frame of a NanoDet head (RangiLyu/nanodet's GFL head as converted to TF.js for Human, whose
     * {@code src/object/nanodet.ts} reads the same tensors). Per level: {@code scores} cells x C class
     * probabilities and {@code distances} cells x 4 x bins, for a grid of square cells over the model input (the
     * stride, input pixels per cell, follows from the number of cells). A cell's centre is ((col + 0.5) stride, (row + 0.5) stride); its box extends
     * from it by the distance to each side, in strides: the bin of highest logit (as Human decodes it; NanoDet's
     * own post-processing takes the softmax-weighted mean of the bins, which is within one bin of it). Every class
     * of a cell at or above min-score is a candidate, as in both.
     */
    public List<Detection> decodeNanoDet(List<NanoDetLevel> levels, ResizeTransform t) {
        List<Detection> raw = new ArrayList<>();
        double min = config.minScore();
        for (NanoDetLevel l : levels) {
            float[] sc = l.scores(), dist = l.distances();
            int cells = l.cells();
            if (cells == 0 || sc.length % cells != 0 || dist.length % (4 * cells) != 0) {
                throw new IllegalArgumentException("a NanoDet level of " + cells + " cells has " + sc.length + " scores and "
                        + dist.length + " distance values");
            }
            int classes = sc.length / cells, bins = dist.length / cells / 4;
            int st = stride(cells), cols = (inputWidth + st - 1) / st;
            for (int i = 0; i < cells; i++) {
                int o = i * classes;
                boolean any = false;
                for (int c = 0; c < classes && !any; c++) any = sc[o + c] >= min;
                if (!any) continue;
                double cx = (i % cols + 0.5) * st, cy = (i / cols + 0.5) * st;
                double[] d = new double[4];
                for (int side = 0; side < 4; side++) {
                    int b0 = (i * 4 + side) * bins, best = 0;
                    for (int b = 1; b < bins; b++) if (dist[b0 + b] > dist[b0 + best]) best = b;
                    d[side] = best * st;
                }
                for (int c = 0; c < classes; c++) {
                    if (sc[o + c] >= min) candidate(raw, cx - d[0], cy - d[1], cx + d[2], cy + d[3], sc[o + c], c, 1, 1, t);
                }
            }
        }
        return select(raw);
    }

    /**
     * One frame of BlazeFace, as Human's {@code src/face/blazeface.ts} reads it: per anchor a score logit (sigmoid
     * applied here) in {@code scores}, and in {@code regressors} ({@code attrs} values per anchor) the box centre's
     * offset from its anchor, the box width and height (input pixels), then key points. Anchors as Human's
     * {@code facemeshutil.generateAnchors} (MediaPipe's SSD anchors for BlazeFace): a grid at input/16 pixels with
     * 2 anchors per cell, then one at input/8 with 6, each anchor at its cell's centre; 896 in all.
     */
    public List<Detection> decodeBlazeFace(float[] scores, float[] regressors, ResizeTransform t) {
        double[] centres = blazeFaceAnchors(inputWidth);
        int anchors = centres.length / 2;
        int attrs = scores.length == anchors ? regressors.length / anchors : 0;
        if (attrs < 4 || (long) anchors * attrs != regressors.length) {
            throw new IllegalArgumentException("a BlazeFace output for a " + inputWidth + " px input has " + anchors
                    + " scores and regressors of at least 4 values, got " + scores.length + " and " + regressors.length + " values");
        }
        List<Detection> raw = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            float score = (float) (1 / (1 + Math.exp(-scores[a])));
            if (!(score >= config.minScore())) continue;
            int o = a * attrs;
            double cx = centres[2 * a] + regressors[o], cy = centres[2 * a + 1] + regressors[o + 1];
            double w = regressors[o + 2], h = regressors[o + 3];
            candidate(raw, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, 0, 1, 1, t);
        }
        return select(raw);
    }

    private double[] anchorCache;

    private double[] blazeFaceAnchors(int size) {
        if (anchorCache != null) return anchorCache;
        List<double[]> out = new ArrayList<>();
        int[][] spec = {{size / 16, 2}, {size / 8, 6}};
        for (int[] level : spec) {
            int stride = level[0], cells = (size + stride - 1) / stride;
            for (int y = 0; y < cells; y++) {
                for (int x = 0; x < cells; x++) {
                    for (int n = 0; n < level[1]; n++) out.add(new double[] {stride * (x + 0.5), stride * (y + 0.5)});
                }
            }
        }
        double[] c = new double[out.size() * 2];
        for (int i = 0; i < out.size(); i++) {
            c[2 * i] = out.get(i)[0];
            c[2 * i + 1] = out.get(i)[1];
        }
        return anchorCache = c;
    }

    /** One NanoDet level of one frame: scores and distances of its {@code cells} grid cells. */
    public record NanoDetLevel(float[] scores, float[] distances, int cells) {}

    /** The stride (input pixels per cell, a power of two) of a level with {@code cells} cells over the model input. */
    int stride(int cells) {
        for (int s = 2; s <= 1024; s *= 2) {
            if ((long) ((inputWidth + s - 1) / s) * ((inputHeight + s - 1) / s) == cells) return s;
        }
        throw new IllegalArgumentException("no stride divides the " + inputWidth + "x" + inputHeight + " input into " + cells + " cells");
    }

    private static float at(float[] v, int anchor, int attr, int anchors, int attrs, boolean attrsFirst) {
        return attrsFirst ? v[attr * anchors + anchor] : v[anchor * attrs + attr];
    }

    /**
     * Frame {@code frame}'s rows of an NMS-included export's {@code [M, 7]} output over the whole batch: batch
     * index, x1, y1, x2, y2, then class and score ({@code classFirst}, YOLOv7 end2end) or score and class (YOLO-NAS).
     */
    public List<Detection> decodeBatchRows(float[] v, int frame, boolean classFirst, ResizeTransform t) {
        if (v.length % 7 != 0) {
            throw new IllegalArgumentException("a batch-index output has 7 values per detection, got " + v.length + " values");
        }
        List<Detection> raw = new ArrayList<>();
        for (int o = 0; o < v.length; o += 7) {
            if (Math.round(v[o]) != frame) continue;
            float score = classFirst ? v[o + 6] : v[o + 5];
            float cls = classFirst ? v[o + 5] : v[o + 6];
            candidate(raw, v[o + 1], v[o + 2], v[o + 3], v[o + 4], score, cls, t);
        }
        return select(raw);
    }

    private void candidate(List<Detection> out, float x1, float y1, float x2, float y2, float score, float cls, ResizeTransform t) {
        boolean norm = config.coordinates() == Coordinates.NORMALIZED;
        candidate(out, x1, y1, x2, y2, score, cls, norm ? inputWidth : 1, norm ? inputHeight : 1, t);
    }

    /** A box in model-input units times {@code sx}, {@code sy} (pixels: 1). */
    private void candidate(List<Detection> out, double x1, double y1, double x2, double y2, float score, float cls,
                           double sx, double sy, ResizeTransform t) {
        if (!(score >= config.minScore()) || Float.isNaN(cls)) return; // also drops NaN scores
        int classId = Math.round(cls);
        if (classId < 0) return; // padding rows of NMS exports (-1)
        if ((!allowed.isEmpty() && !allowed.contains(classId)) || excluded.contains(classId)) return;
        double ax = clip(t.toSourceX(Math.min(x1, x2) * sx), t.sourceWidth());
        double bx = clip(t.toSourceX(Math.max(x1, x2) * sx), t.sourceWidth());
        double ay = clip(t.toSourceY(Math.min(y1, y2) * sy), t.sourceHeight());
        double by = clip(t.toSourceY(Math.max(y1, y2) * sy), t.sourceHeight());
        if (bx - ax <= 0 || by - ay <= 0) return; // nothing of it inside the frame (e.g. in letterbox bars)
        out.add(new Detection(labels.name(classId - config.classOffset()), classId, score, new Detection.Box(ax, ay, bx, by)));
    }

    private List<Detection> select(List<Detection> raw) {
        raw.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : raw) {
            if (kept.size() >= config.maxDetections()) break;
            boolean suppressed = false;
            if (config.iouThreshold() > 0) {
                for (Detection k : kept) {
                    if ((!config.nmsPerClass() || k.classId() == d.classId()) && k.box().iou(d.box()) > config.iouThreshold()) {
                        suppressed = true;
                        break;
                    }
                }
            }
            if (!suppressed) kept.add(d);
        }
        return kept;
    }

    private static double clip(double v, int max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Class ids of the allow-list: numbers are model class ids, words are labels. */
    private Set<Integer> resolve(List<String> classes) {
        Set<Integer> ids = new HashSet<>();
        for (String c : classes) {
            if (c.matches("-?\\d+")) {
                ids.add(Integer.parseInt(c));
                continue;
            }
            int found = -1;
            for (int i = 0; i < labels.size(); i++) {
                if (labels.name(i).equalsIgnoreCase(c)) {
                    found = i;
                    break;
                }
            }
            if (found < 0) throw new UserError("classes: '" + c + "' is not a label of this model (nor a class id)");
            ids.add(found + config.classOffset());
        }
        return ids;
    }
}
