package io.edgesight.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.predict.DetectionDecoder.Config;
import io.edgesight.predict.DetectionDecoder.Coordinates;
import io.edgesight.predict.DetectionDecoder.Format;
import io.edgesight.preprocess.ResizeTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-computed cases: every expected number below is worked out in the comment beside it. */
class DetectionDecoderTest {
    static final Labels COCO = Labels.load(Path.of("samples/detector/coco-labels.txt"), "labels");

    static Config xyxy(Coordinates c, double minScore, double iou, boolean perClass, int max, List<String> classes) {
        return new Config(Format.XYXY_SCORE_CLASS, c, minScore, classes, iou, perClass, max, 0);
    }

    static ResizeTransform identity(int w, int h) {
        return new ResizeTransform(w, h, 1, 1, 0, 0, 0, 0);
    }

    static void assertBox(Detection d, double x1, double y1, double x2, double y2) {
        assertThat(d.box().x1()).as("x1").isCloseTo(x1, within(1e-4));
        assertThat(d.box().y1()).as("y1").isCloseTo(y1, within(1e-4));
        assertThat(d.box().x2()).as("x2").isCloseTo(x2, within(1e-4));
        assertThat(d.box().y2()).as("y2").isCloseTo(y2, within(1e-4));
    }

    @Test
    void pixelBoxesOfAStretchedFrameMapBackToSourcePixels() {
        // 1024x768 stretched to 512x512: scaleX = 0.5, scaleY = 512/768 = 2/3
        ResizeTransform t = new ResizeTransform(1024, 768, 0.5, 512.0 / 768, 0, 0, 0, 0);
        DetectionDecoder dec = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0.2, 0, false, 10, List.of()), 512, 512);
        List<Detection> out = dec.decode(new float[] {100, 50, 300, 250, 0.9f, 0, /* below threshold: */ 0, 0, 10, 10, 0.1f, 16}, t);
        assertThat(out).hasSize(1);
        Detection d = out.get(0);
        assertThat(d.label()).isEqualTo("person");
        assertThat(d.classId()).isZero();
        assertThat(d.score()).isCloseTo(0.9, within(1e-6));
        // x: 100/0.5 = 200, 300/0.5 = 600; y: 50/(2/3) = 75, 250/(2/3) = 375
        assertBox(d, 200, 75, 600, 375);
    }

    @Test
    void normalisedOdApiBoxesOfALetterboxedFrameLoseThePadding() {
        // 640x480 letterboxed into 320x320: s = 0.5, picture 320x240 with padY = 40
        ResizeTransform t = new ResizeTransform(640, 480, 0.5, 0.5, 0, 40, 0, 0);
        Config c = new Config(Format.OD_API, Coordinates.NORMALIZED, 0.5, List.of(), 0, false, 10, 1);
        DetectionDecoder dec = new DetectionDecoder(COCO, c, 320, 320);
        float[] boxes = {0.25f, 0.5f, 0.75f, 1.0f, /* second: beyond num_detections */ 0, 0, 1, 1};
        float[] scores = {0.8f, 0.99f};
        float[] classes = {17, 1}; // label map ids start at 1 (class-offset 1): id 17 -> labels line 16 = dog
        List<Detection> out = dec.decodeOdApi(boxes, scores, classes, 1, t);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).label()).isEqualTo("dog");
        assertThat(out.get(0).classId()).isEqualTo(17);
        // model px: x 0.5*320 = 160 .. 320, y 0.25*320 = 80 .. 240; source: x (160-0)/0.5 = 320 .. 640,
        // y (80-40)/0.5 = 80 .. (240-40)/0.5 = 400
        assertBox(out.get(0), 320, 80, 640, 400);
    }

    @Test
    void centreCropOffsetsAreAddedBack() {
        // 640x480 centre-cropped to 240x240: the central 480x480 (cropX = 80), scale 0.5
        ResizeTransform t = new ResizeTransform(640, 480, 0.5, 0.5, 0, 0, 80, 0);
        DetectionDecoder dec = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0, false, 10, List.of()), 240, 240);
        Detection d = dec.decode(new float[] {10, 20, 110, 120, 0.5f, 2}, t).get(0);
        // x: 10/0.5 + 80 = 100, 110/0.5 + 80 = 300; y: 40, 240
        assertBox(d, 100, 40, 300, 240);
        assertThat(d.label()).isEqualTo("car");
    }

    @Test
    void boxesAreClippedToTheFrameAndDroppedWhenOutsideIt() {
        // letterbox 640x480 -> 320x320 (padY 40): a box inside the top bar (y 0..30) is not in the picture
        ResizeTransform t = new ResizeTransform(640, 480, 0.5, 0.5, 0, 40, 0, 0);
        DetectionDecoder dec = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0, false, 10, List.of()), 320, 320);
        List<Detection> out = dec.decode(new float[] {
                -20, 30, 100, 300, 0.9f, 0,   // x1 -40 -> 0, y1 (30-40)/0.5 = -20 -> 0, x2 200, y2 520 -> 480
                10, 0, 50, 30, 0.8f, 0,       // y (0-40)/0.5 = -80 .. -20: entirely in the bar -> dropped
                60, 60, 50, 50, 0.7f, 0}, t); // corners swapped: normalised to 50..60 -> x 100..120, y 20..40
        assertThat(out).hasSize(2);
        assertBox(out.get(0), 0, 0, 200, 480);
        assertBox(out.get(1), 100, 20, 120, 40);
    }

    @Test
    void classAgnosticNmsSuppressesOverlapsAcrossClassesAndPerClassDoesNot() {
        float[] rows = {
                0, 0, 10, 10, 0.9f, 0,     // A person
                1, 0, 11, 10, 0.8f, 16,    // B dog: IoU(A,B) = 9*10 / (100+100-90) = 90/110 = 0.818
                20, 20, 30, 30, 0.7f, 0,   // C far away
                0, 0, 10, 9, 0.6f, 0};     // D person inside A: IoU = 90 / (100+90-90) = 0.9
        ResizeTransform t = identity(100, 100);
        List<Detection> agnostic = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0.4, false, 10, List.of()), 100, 100).decode(rows, t);
        assertThat(agnostic).extracting(Detection::score).containsExactly(0.9f * 1.0, 0.7f * 1.0);
        List<Detection> perClass = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0.4, true, 10, List.of()), 100, 100).decode(rows, t);
        assertThat(perClass).extracting(Detection::label).containsExactly("person", "dog", "person"); // D is still suppressed by A
        // threshold 0.85 is above IoU(A,B) = 0.818 but below IoU(A,D) = 0.9
        List<Detection> loose = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0.85, false, 10, List.of()), 100, 100).decode(rows, t);
        assertThat(loose).extracting(Detection::label).containsExactly("person", "dog", "person");
        assertThat(loose.get(2).score()).isCloseTo(0.7, within(1e-6));
        List<Detection> none = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0, false, 10, List.of()), 100, 100).decode(rows, t);
        assertThat(none).hasSize(4);
    }

    @Test
    void allowListByLabelOrIdAndMaxDetectionsBestFirst() {
        float[] rows = {0, 0, 1, 1, 0.3f, 15, 0, 0, 1, 1, 0.9f, 0, 0, 0, 1, 1, 0.5f, 16, 0, 0, 1, 1, 0.7f, 15, 0, 0, 1, 1, Float.NaN, 15};
        ResizeTransform t = identity(10, 10);
        List<Detection> animals = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0, false, 10, List.of("cat", "16")), 10, 10).decode(rows, t);
        assertThat(animals).extracting(Detection::label).containsExactly("cat", "dog", "cat"); // NaN score dropped
        assertThat(animals).extracting(Detection::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        List<Detection> two = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0, false, 2, List.of()), 10, 10).decode(rows, t);
        assertThat(two).extracting(Detection::label).containsExactly("person", "cat");
        assertThatThrownBy(() -> new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0, false, 2, List.of("unicorn")), 10, 10))
                .isInstanceOf(UserError.class).hasMessageContaining("'unicorn' is not a label");
    }

    @Test
    void withoutLabelsTheClassIdIsTheLabel() {
        Detection d = new DetectionDecoder(Labels.none(), xyxy(Coordinates.PIXELS, 0, 0, false, 10, List.of()), 10, 10)
                .decode(new float[] {0, 0, 1, 1, 1, 7}, identity(10, 10)).get(0);
        assertThat(d.label()).isEqualTo("7");
    }

    @Test
    void rejectsAnOutputThatIsNotSixColumns() {
        DetectionDecoder dec = new DetectionDecoder(COCO, xyxy(Coordinates.PIXELS, 0, 0, false, 10, List.of()), 10, 10);
        assertThatThrownBy(() -> dec.decode(new float[7], identity(10, 10))).hasMessageContaining("6 values per detection");
    }

    @Test
    void configComesFromTheModelKeys(@TempDir Path tmp) throws Exception {
        Map<String, String> m = Map.of("edgesight.models.d.box-format", "od-api", "edgesight.models.d.iou-threshold", "0.5",
                "edgesight.models.d.nms", "per-class", "edgesight.models.d.classes", "person, dog", "edgesight.models.d.max-detections", "5");
        Config c = Config.from("d", new Settings(m::get));
        assertThat(c).isEqualTo(new Config(Format.OD_API, Coordinates.NORMALIZED, 0.3, List.of("person", "dog"), 0.5, true, 5, 1));
        Map<String, String> bad = Map.of("edgesight.models.d.box-coordinates", "inches");
        assertThatThrownBy(() -> Config.from("d", new Settings(bad::get))).isInstanceOf(UserError.class)
                .hasMessageContaining("edgesight.models.d.box-coordinates").hasMessageContaining("'inches'");
        assertThat(Files.exists(tmp)).isTrue();
    }

    @Test
    void iouOfBoxes() {
        Detection.Box a = new Detection.Box(0, 0, 10, 10);
        assertThat(a.iou(new Detection.Box(5, 0, 15, 10))).isCloseTo(50.0 / 150, within(1e-12)); // 5x10 / (100+100-50)
        assertThat(a.iou(new Detection.Box(10, 0, 20, 10))).isZero(); // touching edges
        assertThat(a.iou(a)).isEqualTo(1.0);
    }
}
