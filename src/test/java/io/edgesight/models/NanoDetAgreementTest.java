package io.edgesight.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.config.Settings;
import io.edgesight.engine.BatchMemory;
import io.edgesight.engine.ModelSpec;
import io.edgesight.engine.Outputs;
import io.edgesight.engine.TfEngine;
import io.edgesight.predict.Detection;
import io.edgesight.predict.DetectionDecoder;
import io.edgesight.predict.DetectionLayout;
import io.edgesight.predict.Labels;
import io.edgesight.predict.ModelDescriptor;
import io.edgesight.preprocess.ChannelOrder;
import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.ResizeMode;
import io.edgesight.preprocess.Resizer;
import io.edgesight.preprocess.TensorWriter;
import io.edgesight.testing.DetectorSample;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: edgesight's NanoDet (imported by samples/detector/fetch.sh, decoded by the {@code nanodet} layout)
 * finds what Human finds. The reference is Human itself (@vladmandic/human 3.0.4, its Node.js build on
 * TensorFlow.js' pure-JavaScript CPU backend, src/test/js/human-detect.mjs): its model loading and its
 * {@code src/object/nanodet.ts} decoding. Both get the same pixels: each Debian test photograph stretched to 416x416
 * by edgesight's Resizer (Human's own resize of a 416x416 tensor to 416x416 is the identity).
 *
 * <p>What is compared is the decoding: every candidate (cell and class) at score 0.2 or more, before non-maximum
 * suppression (Human with IoU threshold 1 and 1000 objects, edgesight with iou-threshold 0). TF.js suppresses at
 * IoU >= threshold, so even then Human drops a candidate whose box is identical to a better one's (another class
 * of the same cell, or a neighbouring cell whose distances differ by one bin): such twins are left out of
 * edgesight's side for precision. Human's suppression
 * cannot be the reference: it hands {@code tf.image.nonMaxSuppression} its boxes as [y, x, height, width] where
 * corners [y1, x1, y2, x2] are expected, so it keeps overlapping duplicates of one object and drops unrelated
 * ones; edgesight suppresses on the boxes themselves. Human never reports class 61 (toilet): edgesight is run with
 * {@code classes = !toilet} to match; and Human keeps a candidate when its score rounded to 0.01 is above 0.2, so
 * edgesight's candidates are compared with that in mind (below). Boxes of both are clipped to the photo (Human's may extend past it).
 *
 * <p>Matching ({@link #match}): same label, score within 0.012 (Human rounds to 0.01), the highest IoU. Scores of
 * TF Java and TF.js differ in their last digits, so a candidate at the 0.2 threshold may fall on either side in
 * either: recall is Human's candidates found among edgesight's at 0.19 or more, precision edgesight's at 0.21 or
 * more found among Human's; both must be at least 0.95 over all photos, and every matched pair must overlap with
 * IoU at least 0.9 (Human's distance scale, 2.5 / 32 of the input per bin on the coarsest level, is 1.6% above
 * the stride NanoDet and edgesight use).
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class NanoDetAgreementTest {
    static final String[] PHOTOS = {"astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png", "grace_hopper.jpg"};

    @Test
    void edgesightDecodesNanoDetAsHuman(@TempDir Path tmp) throws Exception {
        Path model = DetectorSample.nanodet();
        Path photos = DetectorSample.photos();
        DetectorSample.requireTool("node");

        Map<String, String> conf = new HashMap<>();
        conf.put("edgesight.models.nanodet.path", model.toString());
        ModelDescriptor.load(model).values().forEach((k, v) -> conf.put("edgesight.models.nanodet." + k, v));
        conf.put("edgesight.models.nanodet.threads", "2");
        conf.put("edgesight.models.nanodet.classes", "!toilet");
        Settings sample = new Settings(new HashMap<>(conf)::get);
        conf.put("edgesight.models.nanodet.iou-threshold", "0");
        conf.put("edgesight.models.nanodet.max-detections", "1000");
        // below Human's 0.2: TF Java and TF.js scores differ in the last digits, so a candidate at the threshold may
        // be on either side of it in either; recall is checked against these, precision with edgesight's >= 0.21
        conf.put("edgesight.models.nanodet.min-score", "0.19");
        Settings candidates = new Settings(new HashMap<>(conf)::get);
        ModelSpec spec = ModelSpec.from("nanodet", sample);
        Map<String, List<Detection>> ours = new LinkedHashMap<>();
        Map<String, int[]> sizes = new HashMap<>();
        List<String> inputs = new ArrayList<>();
        try (TfEngine engine = TfEngine.load(spec)) {
            assertThat(engine.width()).isEqualTo(416);
            Labels labels = Labels.load(spec.labels(), "labels");
            DetectionDecoder.Config config = DetectionDecoder.Config.from("nanodet", candidates);
            DetectionLayout layout = DetectionLayout.resolve("nanodet", config.format(), engine.outputs(), engine.outputName(), labels.size());
            assertThat(layout.format()).isEqualTo(DetectionDecoder.Format.NANODET);
            assertThat(DetectionLayout.resolve("nanodet", DetectionDecoder.Format.AUTO, engine.outputs(), engine.outputName(), labels.size()))
                    .as("the layout is inferred from the six outputs too").isEqualTo(layout);
            DetectionDecoder all = new DetectionDecoder(labels, config, engine.width(), engine.height());
            DetectionDecoder suppressed = new DetectionDecoder(labels, DetectionDecoder.Config.from("nanodet", sample), 416, 416);
            for (String photo : PHOTOS) {
                Path input = tmp.resolve(photo + ".f32");
                try (Mat bgr = imread(photos.resolve(photo).toString())) {
                    sizes.put(photo, new int[] {bgr.cols(), bgr.rows()});
                    Resizer.Resized r = Resizer.resize(bgr, 416, 416, ResizeMode.STRETCH);
                    try (Mat small = r.image(); BatchMemory batch = engine.allocateBatch(1)) {
                        engine.writer().write(small, batch.address());
                        Outputs out = engine.runAll(batch, 1);
                        ours.put(photo, layout.decode(all, out, 0, r.transform()));
                        System.out.printf("%s: edgesight with the sample's settings (NMS at IoU 0.4, 10 objects): %s%n", photo,
                                layout.decode(suppressed, out, 0, r.transform()));
                        writeRgb(small, input);
                    }
                }
                inputs.add(input.toString());
            }
        }
        List<String> cmd = new ArrayList<>(List.of("bash", "src/test/js/run.sh", "--human", DetectorSample.NANODET_JSON.toString(),
                "416,416", "0.2", "1", "1000"));
        cmd.addAll(inputs);
        String log = DetectorSample.run(cmd, 1800);
        System.out.print(log);

        int human = 0, edgesight = 0, recalled = 0, precise = 0, edgesightSure = 0;
        double[] worst = {1, 0}; // lowest IoU, largest score difference of a matched pair
        for (String photo : PHOTOS) {
            JsonNode h = new ObjectMapper().readTree(tmp.resolve(photo + ".f32.json").toFile());
            assertThat(h.path("backend").asText()).as(log).isEqualTo("cpu");
            int w = sizes.get(photo)[0], ht = sizes.get(photo)[1];
            List<Detection> theirs = new ArrayList<>();
            for (JsonNode o : h.path("objects")) {
                JsonNode b = o.path("boxRaw"); // x, y, width, height, 0..1 of the input = of the stretched photo
                double x = b.get(0).asDouble(), y = b.get(1).asDouble();
                theirs.add(new Detection(o.path("label").asText(), o.path("class").asInt() - 1, o.path("score").asDouble(),
                        new Detection.Box(x * w, y * ht, Math.min(1, x + b.get(2).asDouble()) * w, Math.min(1, y + b.get(3).asDouble()) * ht)));
            }
            List<Detection> mine = ours.get(photo);
            human += theirs.size();
            edgesight += mine.size();
            int[] m = match(theirs, mine, worst);
            List<Detection> sure = new ArrayList<>();
            for (Detection d : mine) { // best first
                boolean twin = sure.stream().anyMatch(b -> b.box().equals(d.box()));
                if (d.score() >= 0.21 && !twin) sure.add(d);
            }
            int[] p = match(sure, theirs, worst);
            int here = m[0];
            recalled += m[0];
            precise += p[0];
            edgesightSure += sure.size();
            System.out.printf("%s: Human %d candidates, edgesight %d, %d of Human's among edgesight's%n", photo, theirs.size(), mine.size(), here);
        }
        double recall = (double) recalled / human, precision = (double) precise / edgesightSure;
        double worstIou = worst[0], worstScore = worst[1];
        System.out.printf("NanoDet vs Human on %d photos: Human %d candidates (score > 0.2), %d of them among edgesight's (>= 0.19):"
                + " recall %.3f; edgesight %d candidates >= 0.21, %d of them among Human's: precision %.3f; lowest IoU of a matched"
                + " pair %.3f, largest score difference %.4f%n", PHOTOS.length, human, recalled, recall, edgesightSure, precise,
                precision, worstIou, worstScore);
        assertThat(human).as("Human finds objects on the photos").isGreaterThanOrEqualTo(PHOTOS.length);
        assertThat(recall).as("recall").isGreaterThanOrEqualTo(0.95);
        assertThat(precision).as("precision").isGreaterThanOrEqualTo(0.95);
        assertThat(worstIou).as("IoU of matched boxes").isGreaterThanOrEqualTo(0.9);
    }

    /**
     * Pairs each of {@code wanted} with one of {@code among} (one to one): same label, score within 0.012 (Human
     * rounds to 0.01), IoU at least 0.5, the highest IoU first. Returns the number paired; {@code worst} gets the
     * lowest IoU and the largest score difference of the pairs.
     */
    static int[] match(List<Detection> wanted, List<Detection> among, double[] worst) {
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            for (int j = 0; j < among.size(); j++) {
                Detection a = wanted.get(i), b = among.get(j);
                double iou = a.box().iou(b.box());
                if (a.label().equals(b.label()) && iou >= 0.5 && Math.abs(a.score() - b.score()) <= 0.012) {
                    pairs.add(new double[] {iou, i, j, Math.abs(a.score() - b.score())});
                }
            }
        }
        pairs.sort(java.util.Comparator.comparingDouble((double[] p) -> -p[0]).thenComparingDouble(p -> p[3]));
        java.util.Set<Integer> usedA = new java.util.HashSet<>(), usedB = new java.util.HashSet<>();
        int n = 0;
        for (double[] p : pairs) {
            if (!usedA.add((int) p[1])) continue;
            if (!usedB.add((int) p[2])) {
                usedA.remove((int) p[1]);
                continue;
            }
            n++;
            worst[0] = Math.min(worst[0], p[0]);
            worst[1] = Math.max(worst[1], p[3]);
        }
        return new int[] {n};
    }

    /** The resized image as Human gets it: float32 RGB 0..255, row-major [416, 416, 3]. */
    static void writeRgb(Mat small, Path file) throws java.io.IOException {
        int n = small.rows() * small.cols() * 3;
        float[] v = new float[n];
        try (FloatPointer buf = new FloatPointer(n)) {
            new TensorWriter(small.rows(), small.cols(), 3, ChannelOrder.RGB, Normalization.of("raw", 3, null, null, "t"), true)
                    .write(small, buf.address());
            buf.get(v);
        }
        ByteBuffer bb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) bb.putFloat(f);
        Files.write(file, bb.array());
    }
}
