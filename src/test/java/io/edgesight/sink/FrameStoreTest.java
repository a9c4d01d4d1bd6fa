package io.edgesight.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.List;

import io.edgesight.camera.Frame;
import io.edgesight.predict.Prediction;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * latest.jpg shows the frame of the camera's latest prediction, even though the kept copies live in buffers that are
 * reused for the frames that follow: each frame here has its own grey level, and the drawn JPEG must show that of the
 * predicted frame, after more frames went through the store than it keeps.
 */
class FrameStoreTest {

    private static Frame frame(long seq) {
        int grey = (int) (seq * 3 % 250);
        return new Frame("cam", seq, 0, 0, new Mat(480, 640, CV_8UC3, new Scalar(grey, grey, grey, 0)));
    }

    private static void predicted(FrameStore store, long seq) {
        Prediction p = new Prediction(1, "node-1", "cam", seq, "2025-06-01T12:00:00Z", "2025-06-01T12:00:00Z", "m",
                new Prediction.EngineInfo("e", "tensorflow", "FP32"), new Prediction.FrameSize(640, 480), List.of(), null,
                new Prediction.BatchInfo(1, 1), new Prediction.Timings(0, 0, 0, 0, 0, 0));
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setBody(p);
        store.predicted(e);
    }

    /** Grey level in the middle of the drawn frame (the drawing is in the corners), and its width. */
    private static int[] centre(byte[] jpeg) {
        try (Mat m = Annotator.decode(jpeg); UByteIndexer idx = m.createIndexer()) {
            return new int[] {idx.get(m.rows() / 2, m.cols() / 2, 1), m.cols()};
        }
    }

    @Test
    void latestJpegShowsThePredictedFrameWhileBuffersAreReused() {
        FrameStore store = new FrameStore(480, 95);
        assertThat(store.annotated("cam")).isNull();
        for (long seq = 1; seq <= 70; seq++) {
            try (Frame f = frame(seq)) {
                store.keep(f);
            }
        }
        predicted(store, 70);
        int[] c = centre(store.annotated("cam"));
        assertThat(c[1]).isEqualTo(480);
        assertThat(c[0]).isBetween(210 - 3, 210 + 3); // frame 70

        // frames 71..140 take buffers freed by the prediction of 70; the latest frame must not change under them
        for (long seq = 71; seq <= 140; seq++) {
            try (Frame f = frame(seq)) {
                store.keep(f);
            }
        }
        assertThat(centre(store.annotated("cam"))[0]).isBetween(210 - 3, 210 + 3);
        predicted(store, 100);
        assertThat(centre(store.annotated("cam"))[0]).isBetween(50 - 3, 50 + 3); // frame 100: 300 % 250
        // a prediction of a frame that is no longer kept leaves the latest frame as it was
        predicted(store, 5);
        assertThat(centre(store.annotated("cam"))[0]).isBetween(50 - 3, 50 + 3);
    }
}
