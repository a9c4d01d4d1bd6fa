package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.tooling.ColourClassifier;
import io.edgesight.preprocess.TensorLayout;
import io.edgesight.testing.OnnxTestModels;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ONNX Runtime engine on models whose outputs are known: layouts, element types, partial batches, bad models. */
class OrtEngineTest {
    @TempDir Path tmp;

    static ModelSpec spec(Path model, int batch, String normalize, String order) {
        Map<String, String> c = new HashMap<>(Map.of(
                "edgesight.models.m.path", model.toString(),
                "edgesight.models.m.batch-size", Integer.toString(batch),
                "edgesight.models.m.normalize", normalize,
                "edgesight.models.m.channel-order", order,
                "edgesight.models.m.threads", "1"));
        return ModelSpec.from("m", new Settings(c::get));
    }

    /** A BGR image whose channel c is the constant value[c]. */
    static Mat solid(int h, int w, int b, int g, int r) {
        Mat m = new Mat(h, w, CV_8UC3);
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    idx.put(y, x, 0, b);
                    idx.put(y, x, 1, g);
                    idx.put(y, x, 2, r);
                }
        }
        return m;
    }

    @ParameterizedTest(name = "batch dim {0}, nchw {1}, uint8 {2}")
    @CsvSource({"4,true,false", "-1,true,false", "4,false,false", "-1,false,true"})
    void partialBatchesGiveOneRowPerFrameInTheModelsLayoutAndChannelOrder(long batchDim, boolean nchw, boolean uint8) throws Exception {
        Path model = OnnxTestModels.channelMean(tmp.resolve("m.onnx"), batchDim, 6, 5, nchw, uint8);
        try (OrtEngine e = OrtEngine.load(spec(model, 4, "raw", "RGB"))) {
            assertThat(e.layout()).isEqualTo(nchw ? TensorLayout.NCHW : TensorLayout.NHWC);
            assertThat(e.fixedBatch()).isEqualTo(batchDim > 0);
            assertThat(e.height()).isEqualTo(6);
            assertThat(e.width()).isEqualTo(5);
            try (BatchMemory batch = e.allocateBatch(4)) {
                for (int r = 0; r < 3; r++) { // 3 frames in a batch of 4
                    try (Mat img = solid(6, 5, 10 * r, 100 + r, 200 + r)) {
                        e.writer().write(img, batch.address() + r * e.writer().rowBytes());
                    }
                }
                float[][] out = e.run(batch, 3);
                assertThat(out).hasNumberOfRows(3);
                for (int r = 0; r < 3; r++) {
                    // RGB order: R, G, B means of a constant image
                    assertThat((double) out[r][0]).isCloseTo(200 + r, within(1e-3));
                    assertThat((double) out[r][1]).isCloseTo(100 + r, within(1e-3));
                    assertThat((double) out[r][2]).isCloseTo(10 * r, within(1e-3));
                }
                float[][] full = e.run(batch, 4);
                assertThat(full).hasNumberOfRows(4);
            }
            assertThat(e.warmUp()).isPositive();
        }
    }

    @Test
    void theColourClassifierTellsTheFourSampleColoursApart() throws Exception {
        Path model = ColourClassifier.write(tmp.resolve("shapes.onnx"));
        try (OrtEngine e = OrtEngine.load(spec(model, 4, "unit", "RGB")); BatchMemory batch = e.allocateBatch(4)) {
            int[][] bgr = {{30, 20, 220}, {20, 200, 30}, {220, 20, 30}, {20, 220, 225}}; // red, green, blue, yellow
            for (int r = 0; r < 4; r++) {
                try (Mat img = solid(64, 64, 128, 128, 128)) {
                    // a coloured square of a quarter of the image on gray
                    try (Mat roi = img.apply(new org.bytedeco.opencv.opencv_core.Rect(16, 16, 32, 32))) {
                        roi.put(new org.bytedeco.opencv.opencv_core.Scalar(bgr[r][0], bgr[r][1], bgr[r][2], 0));
                    }
                    e.writer().write(img, batch.address() + r * e.writer().rowBytes());
                }
            }
            float[][] out = e.run(batch, 4);
            for (int r = 0; r < 4; r++) {
                int best = 0;
                for (int c = 1; c < 4; c++) if (out[r][c] > out[r][best]) best = c;
                assertThat(best).as("class of row %d: %s", r, java.util.Arrays.toString(out[r])).isEqualTo(r);
                assertThat(out[r][r]).isGreaterThan(0.9f);
            }
        }
    }

    @Test
    void badModelsGetOneClearMessageEach() throws Exception {
        Path vector = OnnxTestModels.vectorModel(tmp.resolve("vector.onnx"));
        assertThatThrownBy(() -> OrtEngine.load(spec(vector, 4, "unit", "RGB"))).isInstanceOf(EngineException.class)
                .hasMessage("model 'm' input 'features' is float32 [?, 10], not an image tensor [batch, 3, height, width]"
                        + " (NCHW) or [batch, height, width, 3] (NHWC) of float32 or uint8");

        Path corrupt = Files.write(tmp.resolve("corrupt.onnx"), "not a model".getBytes());
        assertThatThrownBy(() -> OrtEngine.load(spec(corrupt, 4, "unit", "RGB"))).isInstanceOf(EngineException.class)
                .hasMessageContaining("model 'm': " + corrupt + " is not a valid ONNX model")
                .hasMessageContaining("corrupt, truncated or not ONNX");

        Path future = ColourClassifier.write(tmp.resolve("future.onnx"), 99);
        assertThatThrownBy(() -> OrtEngine.load(spec(future, 4, "unit", "RGB"))).isInstanceOf(EngineException.class)
                .hasMessage("model 'm': " + future + " uses opset 99 of domain ai.onnx, but ONNX Runtime "
                        + OrtEngine.version() + " runs opsets up to 21; export the model with opset 21 or lower"
                        + " (torch.onnx.export(..., opset_version=21))");

        Path fixed = OnnxTestModels.channelMean(tmp.resolve("fixed.onnx"), 4, 8, 8);
        assertThatThrownBy(() -> OrtEngine.load(spec(fixed, 2, "unit", "RGB"))).isInstanceOf(EngineException.class)
                .hasMessageContaining("takes batches of exactly 4 but edgesight.models.m.batch-size is 2");

        assertThatThrownBy(() -> OrtEngine.load(spec(tmp.resolve("missing.onnx"), 2, "unit", "RGB")))
                .isInstanceOf(EngineException.class).hasMessageContaining("ONNX model file").hasMessageContaining("does not exist");
    }
}
