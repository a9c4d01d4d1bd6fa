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
 * <p>Two output forms:
 * <ul>
 *   <li>{@link Format#XYXY_SCORE_CLASS}: one tensor [N, K, 6], per row x1, y1, x2, y2, score, class (CenterNet,
 *       many TF.js detectors); {@link #decode(float[], ResizeTransform)} takes one frame's K*6 values.</li>
 *   <li>{@link Format#OD_API}: the TF1 Object Detection API's four tensors: detection_boxes [N, K, 4] as
 *       ymin, xmin, ymax, xmax, detection_scores [N, K], detection_classes [N, K] (label map ids, from 1),
 *       num_detections [N]; {@link #decodeOdApi} takes one frame's slices.</li>
 * </ul>
 * Box coordinates are either pixels of the model input or normalised to 0..1 of it; both are mapped back to the
 * source frame with the frame's {@link ResizeTransform} and clipped to it. Then: score threshold, class allow-list,
 * optional greedy non-maximum suppression (class-agnostic or per class, suppressing IoU &gt; threshold like
 * {@code tf.image.non_max_suppression}), best first, at most {@code maxDetections}.
 */
public final class DetectionDecoder {

    public enum Format {
        XYXY_SCORE_CLASS("xyxy-score-class"), OD_API("od-api");

        private final String key;

        Format(String key) { this.key = key; }

        public String key() { return key; }

        public static Format parse(String v, String where) {
            for (Format f : values()) if (f.key.equalsIgnoreCase(v.trim())) return f;
            throw new UserError(where + ": unknown box format '" + v + "'; use xyxy-score-class or od-api");
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
            Format format = Format.parse(s.string(p + "box-format", "xyxy-score-class"), p + "box-format");
            Coordinates coords = Coordinates.parse(s.string(p + "box-coordinates",
                    format == Format.OD_API ? "normalized" : "pixels"), p + "box-coordinates");
            String classes = s.string(p + "classes", "");
            List<String> allow = classes.isBlank() ? List.of()
                    : Arrays.stream(classes.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            String nms = s.string(p + "nms", "class-agnostic");
            if (!nms.equals("class-agnostic") && !nms.equals("per-class")) {
                throw new UserError(p + "nms must be class-agnostic or per-class, got '" + nms + "'");
            }
            double iou = s.decimal(p + "iou-threshold", 0.0);
            if (iou > 1) throw new UserError(p + "iou-threshold must be between 0 and 1, got " + iou);
            return new Config(format, coords, s.decimal(p + "min-score", 0.3), allow, iou, nms.equals("per-class"),
                    s.integer(p + "max-detections", 100, 1, 100_000),
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
        if (config.format() != Format.XYXY_SCORE_CLASS) throw new IllegalStateException("decoder is for " + config.format().key());
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
        int k = Math.min(Math.min(scores.length, classes.length), boxes.length / 4);
        int n = numDetections < 0 ? k : Math.min(numDetections, k);
        List<Detection> raw = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            candidate(raw, boxes[4 * i + 1], boxes[4 * i], boxes[4 * i + 3], boxes[4 * i + 2], scores[i], classes[i], t);
        }
        return select(raw);
    }

    private void candidate(List<Detection> out, float x1, float y1, float x2, float y2, float score, float cls, ResizeTransform t) {
        if (!(score >= config.minScore()) || Float.isNaN(cls)) return; // also drops NaN scores
        int classId = Math.round(cls);
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
