package io.edgesight.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.List;

import io.edgesight.predict.Box;
import io.edgesight.predict.Classification;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class AnnotatorTest {
    record Det(String label, int classId, double score, Box box) implements PredictionItem {}

    static Prediction prediction(List<? extends PredictionItem> items) {
        return new Prediction(1, "node-1", "cam", 5, "2025-06-01T12:00:00Z", "2025-06-01T12:00:00Z", "m",
                new Prediction.EngineInfo("e", "tensorflow", "FP32"), new Prediction.FrameSize(640, 480), items, null,
                new Prediction.BatchInfo(1, 1), new Prediction.Timings(0, 0, 0, 0, 0, 0));
    }

    /** True when the pixel differs clearly from black (the frame's background). */
    static boolean drawn(Mat m, int x, int y) {
        UByteIndexer ix = m.createIndexer();
        int sum = ix.get(y, x, 0) + ix.get(y, x, 1) + ix.get(y, x, 2);
        ix.close();
        return sum > 150;
    }

    @Test
    void boxesAreDrawnWhereTheyAreOnTheSmallerKeptFrame() {
        // the frame kept for drawing is half the camera's size: a box in camera pixels lands at half the coordinates
        byte[] jpeg;
        try (Mat black = new Mat(240, 320, CV_8UC3, new Scalar(0, 0, 0, 0))) {
            jpeg = Annotator.jpeg(black, 95);
        }
        byte[] out = Annotator.annotate(jpeg, prediction(List.of(new Det("person", 0, 0.9, new Box(100, 200, 300, 400)))), 95);
        try (Mat m = Annotator.decode(out)) {
            assertThat(m.cols()).isEqualTo(320);
            assertThat(drawn(m, 50, 150)).as("top-left corner (50, 100) .. left edge").isTrue();
            assertThat(drawn(m, 150, 200)).as("bottom edge at y=200").isTrue();
            assertThat(drawn(m, 100, 150)).as("inside the box stays clear").isFalse();
            assertThat(drawn(m, 250, 150)).as("right of the box stays clear").isFalse();
            assertThat(drawn(m, 55, 95)).as("label above the box").isTrue();
        }
    }

    @Test
    void classificationsAreListedTopLeft() {
        byte[] jpeg;
        try (Mat black = new Mat(480, 640, CV_8UC3, new Scalar(0, 0, 0, 0))) {
            jpeg = Annotator.jpeg(black, 95);
        }
        byte[] out = Annotator.annotate(jpeg, prediction(List.of(new Classification("cat", 0, 0.8), new Classification("dog", 1, 0.2))), 95);
        try (Mat m = Annotator.decode(out)) {
            assertThat(drawn(m, 10, 10)).as("first label").isTrue();
            assertThat(drawn(m, 320, 240)).as("the middle stays clear").isFalse();
            boolean footer = false;
            for (int y = 440; y < 478 && !footer; y++) for (int x = 6; x < 200 && !footer; x++) footer = drawn(m, x, y);
            assertThat(footer).as("footer: camera, frame, time").isTrue();
        }
    }
}
