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
        OD_API("od-api");

        private final String key;

        Format(String key) { this.key = key; }

        public String key() { return key; }

        /** Raw YOLO heads: one candidate per anchor, so suppression is on by default. */
        public boolean needsNms() { return this == YOLOV5 || this == YOLOV8; }

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
     * @param classes       allow-list of class ids or label names; empty = every class
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
            String nms = s.string(p + "nms", format.needsNms() ? "per-class" : "class-agnostic");
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

    /**
     * @param inputWidth  model input width (pixels), to scale normalised coordinates
     * @param inputHeight model input height
     */
    public DetectionDecoder(Labels labels, Config config, int inputWidth, int inputHeight) {
        this.labels = labels;
        this.config = config;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.allowed = resolve(config.classes());
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
        if (!(score >= config.minScore()) || Float.isNaN(cls)) return; // also drops NaN scores
        int classId = Math.round(cls);
        if (classId < 0) return; // padding rows of NMS exports (-1)
        if (!allowed.isEmpty() && !allowed.contains(classId)) return;
        double sx = config.coordinates() == Coordinates.NORMALIZED ? inputWidth : 1;
        double sy = config.coordinates() == Coordinates.NORMALIZED ? inputHeight : 1;
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
