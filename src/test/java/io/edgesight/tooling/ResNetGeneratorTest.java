package io.edgesight.tooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.engine.BatchMemory;
import io.edgesight.engine.Engine;
import io.edgesight.engine.Engines;
import io.edgesight.engine.ModelSpec;
import io.edgesight.preprocess.TensorLayout;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark pair: the same ResNet v1.5 weights written as ONNX (NCHW) and as a TensorFlow SavedModel (NHWC) give
 * the same outputs on the same frames, each fed through its own runtime's preprocessing. A narrow, shallow config keeps
 * the test fast; ResNet-50 is the same code with {@link ResNetGenerator.Config#resnet50()}.
 */
class ResNetGeneratorTest {
    @TempDir Path tmp;

    static ModelSpec spec(Path model) {
        Map<String, String> c = new HashMap<>(Map.of(
                "edgesight.models.r.path", model.toString(),
                "edgesight.models.r.batch-size", "2",
                "edgesight.models.r.normalize", "custom",
                "edgesight.models.r.mean", "0.485,0.456,0.406",
                "edgesight.models.r.std", "0.229,0.224,0.225",
                "edgesight.models.r.threads", "1"));
        return ModelSpec.from("r", new Settings(c::get));
    }

    static float[][] run(Engine e, Mat... frames) {
        try (BatchMemory b = e.allocateBatch(e.batchSize())) {
            for (int i = 0; i < frames.length; i++) e.writer().write(frames[i], b.address() + i * e.writer().rowBytes());
            return e.run(b, frames.length);
        }
    }

    static Mat noise(int size, long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        Mat m = new Mat(size, size, CV_8UC3);
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    for (int c = 0; c < 3; c++) idx.put(y, x, c, rnd.nextInt(256));
        }
        return m;
    }

    @Test
    void onnxAndSavedModelOfTheSameWeightsAgree() throws Exception {
        // odd input size: SAME padding is asymmetric at every stride-2 layer
        ResNetGenerator.Config cfg = new ResNetGenerator.Config(new int[] {1, 2, 1, 1}, 8, 45, 10);
        ResNetGenerator.Net net = ResNetGenerator.weights(cfg, 7);
        Path onnx = ResNetGenerator.writeOnnx(net, 0, tmp.resolve("r.onnx"));
        Path tf = ResNetGenerator.writeSavedModel(net, 0, tmp.resolve("r-tf"));
        try (Engine o = Engines.load(spec(onnx)); Engine t = Engines.load(spec(tf));
             Mat a = noise(45, 1); Mat b = noise(45, 2)) {
            assertThat(o.runtime()).isEqualTo("onnxruntime");
            assertThat(o.layout()).isEqualTo(TensorLayout.NCHW);
            assertThat(t.runtime()).isEqualTo("tensorflow");
            float[][] ro = run(o, a, b);
            float[][] rt = run(t, a, b);
            for (int r = 0; r < 2; r++) {
                assertThat(ro[r]).hasSize(10);
                double sum = 0;
                for (int c = 0; c < 10; c++) {
                    assertThat((double) ro[r][c]).as("row %d class %d", r, c).isCloseTo(rt[r][c], within(1e-4));
                    sum += ro[r][c];
                }
                assertThat(sum).isCloseTo(1.0, within(1e-4));
            }
            // different frames, different outputs (the network is not degenerate)
            assertThat(ro[0]).isNotEqualTo(ro[1]);
        }
    }

    @Test
    void samePaddingMatchesTensorFlow() {
        assertThat(ResNetGenerator.same(224, 7, 2)).containsExactly(2, 3, 112);
        assertThat(ResNetGenerator.same(112, 3, 2)).containsExactly(0, 1, 56);
        assertThat(ResNetGenerator.same(56, 3, 1)).containsExactly(1, 1, 56);
        assertThat(ResNetGenerator.same(56, 1, 2)).containsExactly(0, 0, 28);
    }

    @Test
    void resNet50HasItsParameterCount() {
        ResNetGenerator.Net net = ResNetGenerator.weights(ResNetGenerator.Config.resnet50(), 42);
        // torchvision resnet50: 25,557,032 parameters; BN running mean and variance are counted here as well
        assertThat(net.parameters()).isEqualTo(25_557_032L + 53_120L);
    }
}
