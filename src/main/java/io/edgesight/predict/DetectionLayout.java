package io.edgesight.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import io.edgesight.config.UserError;
import io.edgesight.engine.ModelSpec;
import io.edgesight.engine.Outputs;
import io.edgesight.predict.DetectionDecoder.Format;
import io.edgesight.preprocess.ResizeTransform;

/**
 * Which of a detector's outputs hold what: the {@link Format} and the output tensors it reads, resolved once at
 * start-up from the engine's outputs (names, element types, shapes as the warm-up run returned them), the
 * configured {@code box-format} ({@code auto}: inferred) and the number of labels.
 *
 * <p>Inference: outputs named {@code detection_boxes/scores/classes} (or with tf2onnx's {@code :0}) are the OD API's; a count {@code [N, 1]}, boxes
 * {@code [N, K, 4]} and two {@code [N, K]} tensors are the count/boxes/scores/classes form; pairs of {@code [N, cells, C]}
 * and {@code [N, cells, 4 * bins]} per stride (with labels) are NanoDet's head, scores and regressors of 512 and
 * 384 anchors BlazeFace's; otherwise the primary
 * output's shape decides ({@code [N, K, 6]}, {@code [N, A, 5+C]}, {@code [N, 4+C, A]}, {@code [N, A, 4+C]},
 * {@code [M, 7]}). When labels are given, C must equal their number. A shape that fits no layout, or fits several,
 * is a start-up error naming the outputs and the key to set.
 *
 * @param tensors the outputs read, in the format's order: one tensor, or (four-tensor forms) count, boxes, scores,
 *                classes (count may be null: every row is read)
 * @param attrsFirst YOLOv8 head as [attrs, anchors] (Ultralytics' export) rather than [anchors, attrs]
 */
public record DetectionLayout(Format format, List<String> tensors, boolean attrsFirst) {

    /** What the layout is, for logs and {@code model inspect}. */
    public String describe() {
        return format.key() + " reading " + String.join(", ", tensors.stream().map(t -> t == null ? "(no count)" : t).toList())
                + (format == Format.YOLOV8 ? (attrsFirst ? " as [4+C, anchors]" : " as [anchors, 4+C]") : "");
    }

    /** Decodes frame {@code row} of a run. */
    public List<Detection> decode(DetectionDecoder d, Outputs out, int row, ResizeTransform t) {
        return switch (format) {
            case XYXY_SCORE_CLASS -> d.decode(out.get(tensors.get(0)).row(row), t);
            case YOLOV5, YOLOV8 -> {
                Outputs.Tensor x = out.get(tensors.get(0));
                long[] s = x.shape();
                int a = (int) s[s.length - 2], b = (int) s[s.length - 1];
                boolean first = format == Format.YOLOV8 && attrsFirst;
                yield d.decodeYolo(x.row(row), first ? b : a, first ? a : b, first, format == Format.YOLOV5, t);
            }
            case YOLOV7_END2END, YOLO_NAS_FLAT -> {
                Outputs.Tensor x = out.get(tensors.get(0));
                // [M, 7] over the whole batch, or [1, M, 7] where an export kept a leading dimension
                yield d.decodeBatchRows(x.values(), row, format == Format.YOLOV7_END2END, t);
            }
            case NUM_BOXES_SCORES_CLASSES, OD_API -> {
                int n = tensors.get(0) == null ? -1 : Math.round(first(out.get(tensors.get(0)).row(row)));
                float[] boxes = out.get(tensors.get(1)).row(row);
                float[] scores = out.get(tensors.get(2)).row(row);
                float[] classes = out.get(tensors.get(3)).row(row);
                yield format == Format.OD_API ? d.decodeOdApi(boxes, scores, classes, n, t)
                        : d.decodeBoxes(boxes, scores, classes, n, t);
            }
            case NANODET -> {
                List<DetectionDecoder.NanoDetLevel> levels = new ArrayList<>();
                for (int i = 0; i + 1 < tensors.size(); i += 2) {
                    Outputs.Tensor sc = out.get(tensors.get(i));
                    levels.add(new DetectionDecoder.NanoDetLevel(sc.row(row), out.get(tensors.get(i + 1)).row(row), (int) sc.shape()[1]));
                }
                yield d.decodeNanoDet(levels, t);
            }
            case BLAZEFACE -> {
                // levels finest first, as the anchors are generated: scores and regressors concatenated over them
                float[] sa = out.get(tensors.get(0)).row(row), ra = out.get(tensors.get(1)).row(row);
                float[] sb = out.get(tensors.get(2)).row(row), rb = out.get(tensors.get(3)).row(row);
                float[] scores = Arrays.copyOf(sa, sa.length + sb.length), regs = Arrays.copyOf(ra, ra.length + rb.length);
                System.arraycopy(sb, 0, scores, sa.length, sb.length);
                System.arraycopy(rb, 0, regs, ra.length, rb.length);
                yield d.decodeBlazeFace(scores, regs, t);
            }
            case AUTO -> throw new IllegalStateException("layout not resolved");
        };
    }

    private static float first(float[] v) { return v.length == 0 ? 0 : v[0]; }

    // ------------------------------------------------------------------ resolving

    /**
     * The layout of a model's outputs. {@code configured}: the box-format key's value (AUTO: infer);
     * {@code primary}: the engine's primary output (edgesight.models.&lt;id&gt;.output, else the first by name);
     * {@code classes}: the number of labels, 0 when there is no labels file.
     */
    public static DetectionLayout resolve(String model, Format configured, List<Outputs.Info> outputs, String primary, int classes) {
        String key = ModelSpec.PREFIX + model + ".box-format";
        if (configured == Format.OD_API) {
            return odApi(outputs).orElseThrow(() -> contradiction(model, key, configured,
                    "outputs detection_boxes [N, K, 4], detection_scores [N, K], detection_classes [N, K] (and num_detections [N])", outputs));
        }
        if (configured == Format.NUM_BOXES_SCORES_CLASSES) {
            return fourTensors(model, outputs).orElseThrow(() -> contradiction(model, key, configured,
                    "a count [N, 1], boxes [N, K, 4], scores [N, K] and classes [N, K]", outputs));
        }
        if (configured == Format.BLAZEFACE) {
            return blazeFace(outputs).orElseThrow(() -> contradiction(model, key, configured, expected(configured, classes), outputs));
        }
        if (configured == Format.NANODET) {
            return nanoDet(outputs, classes).orElseThrow(() -> contradiction(model, key, configured, expected(configured, classes), outputs));
        }
        Outputs.Info p = outputs.stream().filter(o -> o.name().equals(primary)).findFirst().orElse(null);
        if (configured != Format.AUTO) {
            if (p == null) throw new UserError("model '" + model + "' has no output '" + primary + "'");
            DetectionLayout l = single(configured, p, classes);
            if (l == null) throw contradiction(model, key, configured, expected(configured, classes), List.of(p));
            return l;
        }
        Optional<DetectionLayout> od = odApi(outputs);
        if (od.isPresent()) return od.get();
        Optional<DetectionLayout> four = fourTensors(model, outputs);
        if (four.isPresent()) return four.get();
        Optional<DetectionLayout> face = blazeFace(outputs);
        if (face.isPresent()) return face.get();
        if (classes > 0) {
            Optional<DetectionLayout> nano = nanoDet(outputs, classes);
            if (nano.isPresent()) return nano.get();
        }
        if (p == null) throw new UserError("model '" + model + "' has no output '" + primary + "'");
        List<DetectionLayout> fits = new ArrayList<>();
        for (Format f : List.of(Format.XYXY_SCORE_CLASS, Format.YOLOV5, Format.YOLOV8, Format.YOLOV7_END2END, Format.YOLO_NAS_FLAT)) {
            DetectionLayout l = single(f, p, classes);
            if (l != null) fits.add(l);
        }
        String labels = classes > 0 ? " with " + classes + " labels" : " (no labels file, so the number of classes is open)";
        if (fits.isEmpty()) {
            throw new UserError("model '" + model + "': outputs " + shown(outputs) + " match no detection layout" + labels
                    + "; set " + key + " to one of " + String.join(", ", settable())
                    + " (docs/MODELS.md), or " + ModelSpec.PREFIX + model + ".decoder=raw to see what the model outputs");
        }
        if (fits.size() > 1) {
            throw new UserError("model '" + model + "': output " + p + " fits several detection layouts" + labels + ": "
                    + fits.stream().map(l -> l.format().key() + " (" + expected(l.format(), classes) + ")").collect(Collectors.joining(", "))
                    + "; set " + key + " to the one your export produces (docs/MODELS.md)");
        }
        return fits.get(0);
    }

    /** The layout {@code f} reading output {@code p}, or null when p's shape does not fit it. */
    static DetectionLayout single(Format f, Outputs.Info p, int classes) {
        long[] s = p.shape();
        List<String> one = List.of(p.name());
        switch (f) {
            case XYXY_SCORE_CLASS:
                return s.length == 3 && s[2] == 6 ? new DetectionLayout(f, one, false) : null;
            case YOLOV5: {
                if (s.length != 3 || s[2] < 6 || s[1] <= s[2]) return null;
                return classes == 0 || s[2] == 5 + classes ? new DetectionLayout(f, one, false) : null;
            }
            case YOLOV8: {
                if (s.length != 3 || s[1] < 0 || s[2] < 0) return null;
                long attrs = Math.min(s[1], s[2]), anchors = Math.max(s[1], s[2]);
                boolean attrsFirst = s[1] < s[2];
                if (classes > 0) {
                    if (s[1] == 4 + classes && s[2] != 4 + classes) attrsFirst = true;
                    else if (s[2] == 4 + classes && s[1] != 4 + classes) attrsFirst = false;
                    else if (attrs != 4 + classes) return null;
                }
                return attrs >= 5 && anchors > attrs ? new DetectionLayout(f, one, attrsFirst) : null;
            }
            case YOLOV7_END2END:
            case YOLO_NAS_FLAT:
                return (s.length == 2 && s[1] == 7) || (s.length == 3 && s[0] == 1 && s[2] == 7)
                        ? new DetectionLayout(f, one, false) : null;
            default:
                return null;
        }
    }

    private static Optional<DetectionLayout> odApi(List<Outputs.Info> outputs) {
        Outputs.Info boxes = named(outputs, "detection_boxes"), scores = named(outputs, "detection_scores"),
                classes = named(outputs, "detection_classes"), num = named(outputs, "num_detections");
        if (boxes == null || scores == null || classes == null) return Optional.empty();
        if (boxes.rank() != 3 || boxes.dim(-1) != 4 || scores.rank() != 2 || classes.rank() != 2) return Optional.empty();
        return Optional.of(new DetectionLayout(Format.OD_API,
                Arrays.asList(num == null ? null : num.name(), boxes.name(), scores.name(), classes.name()), false));
    }

    /** Count [N, 1] or [N], boxes [N, K, 4], scores and classes [N, K]: told apart by type, then by name. */
    private static Optional<DetectionLayout> fourTensors(String model, List<Outputs.Info> outputs) {
        List<Outputs.Info> boxes = outputs.stream().filter(o -> o.rank() == 3 && o.dim(-1) == 4).toList();
        List<Outputs.Info> perBox = outputs.stream().filter(o -> o.rank() == 2 && o.dim(-1) != 1).toList();
        List<Outputs.Info> counts = outputs.stream().filter(o -> (o.rank() == 2 && o.dim(-1) == 1) || o.rank() == 1).toList();
        if (boxes.size() != 1 || perBox.size() != 2 || counts.size() != 1) return Optional.empty();
        Outputs.Info a = perBox.get(0), b = perBox.get(1);
        Outputs.Info scores, classes;
        if (a.integer() != b.integer()) {
            classes = a.integer() ? a : b;
            scores = classes == a ? b : a;
        } else if (isClass(a.name()) != isClass(b.name())) {
            classes = isClass(a.name()) ? a : b;
            scores = classes == a ? b : a;
        } else {
            throw new UserError("model '" + model + "': outputs " + a + " and " + b + " are both per-box values of the same"
                    + " type, so which holds the scores and which the classes is not known; name them *score* and *class*"
                    + " in the export, or decode one output with " + ModelSpec.PREFIX + model + ".output");
        }
        return Optional.of(new DetectionLayout(Format.NUM_BOXES_SCORES_CLASSES,
                Arrays.asList(counts.get(0).name(), boxes.get(0).name(), scores.name(), classes.name()), false));
    }

    /**
     * NanoDet's head: outputs in pairs of the same number of cells, one {@code [N, cells, C]} (class scores), one
     * {@code [N, cells, 4 * bins]} (distance distributions), two or more pairs, every output in one. Without a
     * labels file C is open: the pair's score tensor is the one whose last dimension is not a multiple of 4, or the
     * larger one. Levels finest first.
     */
    static Optional<DetectionLayout> nanoDet(List<Outputs.Info> outputs, int classes) {
        if (outputs.size() < 4 || outputs.size() % 2 != 0) return Optional.empty();
        java.util.Map<Long, List<Outputs.Info>> byCells = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        for (Outputs.Info o : outputs) {
            if (o.rank() != 3 || o.dim(1) <= 0 || o.dim(2) <= 0) return Optional.empty();
            byCells.computeIfAbsent(o.dim(1), k -> new ArrayList<>()).add(o);
        }
        List<String> tensors = new ArrayList<>();
        for (List<Outputs.Info> pair : byCells.values()) {
            if (pair.size() != 2) return Optional.empty();
            Outputs.Info a = pair.get(0), b = pair.get(1);
            Outputs.Info scores;
            if (classes > 0) scores = a.dim(2) == classes && b.dim(2) != classes ? a : b.dim(2) == classes && a.dim(2) != classes ? b : null;
            else if ((a.dim(2) % 4 == 0) != (b.dim(2) % 4 == 0)) scores = a.dim(2) % 4 == 0 ? b : a;
            else scores = a.dim(2) > b.dim(2) ? a : b.dim(2) > a.dim(2) ? b : null;
            if (scores == null) return Optional.empty();
            Outputs.Info dist = scores == a ? b : a;
            if (dist.dim(2) % 4 != 0 || dist.dim(2) < 8) return Optional.empty();
            tensors.add(scores.name());
            tensors.add(dist.name());
        }
        return Optional.of(new DetectionLayout(Format.NANODET, tensors, false));
    }

    /** BlazeFace's four outputs: [N, 512, 1] and [N, 384, 1] scores, [N, 512, R] and [N, 384, R] regressors. */
    static Optional<DetectionLayout> blazeFace(List<Outputs.Info> outputs) {
        if (outputs.size() != 4) return Optional.empty();
        String[] t = new String[4];
        for (Outputs.Info o : outputs) {
            if (o.rank() != 3 || (o.dim(1) != 512 && o.dim(1) != 384)) return Optional.empty();
            int i = (o.dim(1) == 512 ? 0 : 2) + (o.dim(2) == 1 ? 0 : 1);
            if (t[i] != null || (o.dim(2) != 1 && o.dim(2) < 4)) return Optional.empty();
            t[i] = o.name();
        }
        return Optional.of(new DetectionLayout(Format.BLAZEFACE, List.of(t), false));
    }

    private static boolean isClass(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("class") || n.contains("label") || n.contains("categor");
    }

    private static Outputs.Info named(List<Outputs.Info> outputs, String name) {
        // tf2onnx keeps TensorFlow's tensor names: detection_boxes:0
        return outputs.stream().filter(o -> o.name().equals(name) || o.name().equals(name + ":0")).findFirst().orElse(null);
    }

    /** What a format needs, for messages. */
    static String expected(Format f, int classes) {
        String c = classes > 0 ? Integer.toString(classes) : "C";
        return switch (f) {
            case XYXY_SCORE_CLASS -> "[N, K, 6] x1, y1, x2, y2, score, class";
            case YOLOV5 -> "[N, anchors, " + (classes > 0 ? Integer.toString(5 + classes) : "5+C") + "] cx, cy, w, h, objectness, " + c + " class scores";
            case YOLOV8 -> "[N, " + (classes > 0 ? Integer.toString(4 + classes) : "4+C") + ", anchors] or [N, anchors, "
                    + (classes > 0 ? Integer.toString(4 + classes) : "4+C") + "] cx, cy, w, h, " + c + " class scores";
            case YOLOV7_END2END -> "[M, 7] batch index, x1, y1, x2, y2, class, score";
            case YOLO_NAS_FLAT -> "[M, 7] batch index, x1, y1, x2, y2, score, class";
            case NUM_BOXES_SCORES_CLASSES -> "a count [N, 1], boxes [N, K, 4], scores [N, K] and classes [N, K]";
            case OD_API -> "detection_boxes [N, K, 4], detection_scores [N, K], detection_classes [N, K]";
            case BLAZEFACE -> "score logits [N, 512, 1], [N, 384, 1] and regressors [N, 512, 16], [N, 384, 16]";
            case NANODET -> "per stride a pair [N, cells, " + c + "] class scores and [N, cells, 4*bins] distance distributions";
            case AUTO -> "any layout";
        };
    }

    private static UserError contradiction(String model, String key, Format f, String needs, List<Outputs.Info> outputs) {
        return new UserError(key + "=" + f.key() + " needs " + needs + ", but model '" + model + "' outputs "
                + shown(outputs) + "; fix " + key + " (or set it to auto to infer it from the shapes)");
    }

    private static String shown(List<Outputs.Info> outputs) {
        return outputs.stream().map(Outputs.Info::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    private static List<String> settable() {
        return Arrays.stream(Format.values()).filter(f -> f != Format.AUTO).map(Format::key).toList();
    }
}
