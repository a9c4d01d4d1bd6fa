package io.edgesight.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgesight.predict.ModelDescriptor;
import io.edgesight.config.ConfigValidator;
import io.edgesight.config.Settings;
import io.edgesight.engine.ModelSpec;
import io.edgesight.engine.TfEngine;
import io.edgesight.predict.Detection;
import io.edgesight.predict.DetectionDecoder;
import io.edgesight.predict.Labels;
import io.edgesight.preprocess.Resizer;
import io.edgesight.testing.DetectorSample;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Tensor;
import org.tensorflow.TensorMemory;

/**
 * The imported CenterNet on real photographs (from Debian packages), through the real preprocessing
 * (Resizer + TensorWriter via TfEngine) and DetectionDecoder configured by the model's own descriptor:
 * the obvious objects are found with their COCO labels and boxes where they are. Annotated copies are written to
 * target/detector-photos/ for a person to look at.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class DetectorPhotosTest {
    static TfEngine engine;
    static DetectionDecoder decoder;
    static final Path ANNOTATED = Path.of("target/detector-photos");

    @BeforeAll
    static void load() throws Exception {
        Path model = DetectorSample.model();
        DetectorSample.photos();
        Map<String, String> conf = new HashMap<>();
        conf.put("edgesight.models.detector.path", model.toString());
        ModelDescriptor.load(model).values().forEach((k, v) -> conf.put("edgesight.models.detector." + k, v));
        conf.put("edgesight.models.detector.threads", "2");
        assertThat(ConfigValidator.validate(conf, "descriptor")).as("descriptor keys are configuration keys").isEmpty();
        Settings settings = new Settings(conf::get);
        ModelSpec spec = ModelSpec.from("detector", settings);
        engine = TfEngine.load(spec);
        decoder = new DetectionDecoder(Labels.load(spec.labels(), "labels"), DetectionDecoder.Config.from("detector", settings),
                engine.width(), engine.height());
        Files.createDirectories(ANNOTATED);
    }

    @AfterAll
    static void close() {
        if (engine != null) engine.close();
    }

    static List<Detection> detect(String photo) {
        Path file = DetectorSample.PHOTOS.resolve(photo);
        try (Mat bgr = imread(file.toString())) {
            assertThat(bgr.empty()).as(file + " decodes").isFalse();
            Resizer.Resized r = Resizer.resize(bgr, engine.width(), engine.height(), engine.spec().resize());
            List<Detection> found;
            try (Mat small = r.image(); Tensor batch = engine.allocateTensor(1)) {
                engine.writer().write(small, TensorMemory.address(batch));
                float[] row = engine.run(batch, 1)[0];
                found = decoder.decode(row, r.transform());
            }
            System.out.printf("%s (%dx%d): %s%n", photo, bgr.cols(), bgr.rows(), found);
            for (Detection d : found) {
                Detection.Box b = d.box();
                rectangle(bgr, new Point((int) b.x1(), (int) b.y1()), new Point((int) b.x2(), (int) b.y2()), new Scalar(0, 255, 0, 0), 2, 8, 0);
                putText(bgr, d.label() + String.format(" %.2f", d.score()), new Point((int) b.x1() + 3, (int) b.y1() + 16), 0, 0.5,
                        new Scalar(0, 255, 0, 0), 1, 8, false);
            }
            imwrite(ANNOTATED.resolve(photo.replaceAll("\\.\\w+$", ".png")).toString(), bgr);
            return found;
        }
    }

    /** Boxes drawn by hand around the obvious object of each photo (source pixels, x1, y1, x2, y2). */
    static void assertFinds(String photo, String label, double x1, double y1, double x2, double y2) {
        List<Detection> found = detect(photo);
        assertThat(found).as(photo + ": something is detected").isNotEmpty();
        assertThat(found.get(0).label()).as(photo + ": the best detection " + found).isEqualTo(label);
        Detection.Box truth = new Detection.Box(x1, y1, x2, y2);
        Detection best = found.get(0);
        assertThat(best.score()).as(photo + " score").isGreaterThanOrEqualTo(0.4);
        assertThat(best.box().iou(truth)).as(photo + ": IoU of " + best.box() + " with the hand-drawn " + truth)
                .isGreaterThanOrEqualTo(0.7);
        for (Detection d : found) {
            assertThat(d.box().x1()).isBetween(0.0, d.box().x2());
            assertThat(d.box().y1()).isBetween(0.0, d.box().y2());
        }
    }

    @Test
    void astronautIsAPerson() {
        assertFinds("astronaut.png", "person", 15, 12, 365, 512);
    }

    @Test
    void graceHopperIsAPersonWearingATie() {
        assertFinds("grace_hopper.jpg", "person", 0, 25, 512, 600);
        assertThat(detect("grace_hopper.jpg")).extracting(Detection::label).contains("tie");
    }

    @Test
    void chelseaIsACat() {
        assertFinds("chelsea.png", "cat", 0, 0, 420, 300);
    }

    @Test
    void motorcycleIsAMotorcycle() {
        assertFinds("motorcycle_left.png", "motorcycle", 115, 80, 675, 445);
    }

    @Test
    void coffeeIsACup() {
        assertFinds("coffee.png", "cup", 170, 20, 410, 300);
    }
}
