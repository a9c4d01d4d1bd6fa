package io.edgesight.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.edgesight.engine.InferredFrame;
import io.edgesight.preprocess.PreparedFrame;
import io.edgesight.preprocess.ResizeTransform;
import org.junit.jupiter.api.Test;

class RawDecoderTest {

    @Test
    void summarisesTheOutputOfAFrame() {
        // a [2, 3] output per frame: rows (1, -2, 0.5) and (4, 3, -0.5)
        RawDecoder d = new RawDecoder("feature_map", new long[] {2, 3}, "float32");
        float[] v = {1f, -2f, 0.5f, 4f, 3f, -0.5f};
        PreparedFrame f = new PreparedFrame("cam", 7, 0, 0, null, new ResizeTransform(8, 8, 1, 1, 0, 0, 0, 0), 0);
        Decoder.Decoded decoded = d.decode(new InferredFrame("m", f, v, 1, 1, 0, 0, 0, 0));
        assertThat(decoded.predictions()).isEmpty();
        OutputSummary s = decoded.outputs().get(0);
        assertThat(s.name()).isEqualTo("feature_map");
        assertThat(s.shape()).containsExactly(2L, 3L);
        assertThat(s.dtype()).isEqualTo("float32");
        assertThat(s.argmax()).isEqualTo(3);                       // 4 is element 3
        assertThat(s.argmaxIndex()).containsExactly(1L, 0L);       // = row 1, column 0
        assertThat(s.max()).isEqualTo(4.0);
        assertThat(s.min()).isEqualTo(-2.0);
        assertThat(s.mean()).isCloseTo(6.0 / 6, within(1e-9));      // (1 - 2 + 0.5 + 4 + 3 - 0.5) / 6 = 1
    }

    @Test
    void summarisesEveryOutputOfAMultiOutputRun() {
        // a run of two frames: boxes [2, 1, 4] float32, classes [2, 1] int64, and rows [3, 7] over the whole batch
        var boxes = new io.edgesight.engine.Outputs.Tensor(new io.edgesight.engine.Outputs.Info("boxes", "float32", new long[] {2, 1, 4}),
                new float[] {0, 0, 1, 1, 5, 6, 7, 8});
        var classes = new io.edgesight.engine.Outputs.Tensor(new io.edgesight.engine.Outputs.Info("classes", "int64", new long[] {2, 1}),
                new float[] {3, 9});
        var rows = new io.edgesight.engine.Outputs.Tensor(new io.edgesight.engine.Outputs.Info("rows", "float32", new long[] {3, 7}),
                new float[21]);
        var all = new io.edgesight.engine.Outputs(List.of(boxes, classes, rows));
        RawDecoder d = new RawDecoder("boxes", new long[] {1, 4}, "float32");
        PreparedFrame f = new PreparedFrame("cam", 7, 0, 0, null, new ResizeTransform(8, 8, 1, 1, 0, 0, 0, 0), 0);
        List<OutputSummary> out = d.decode(new InferredFrame("m", f, boxes.row(1), 2, 2, 0, 0, 0, 0, all, 1)).outputs();
        assertThat(out).extracting(OutputSummary::name).containsExactly("boxes", "classes", "rows");
        assertThat(out.get(0).max()).isEqualTo(8.0);                 // frame 1's box
        assertThat(out.get(1).dtype()).isEqualTo("int64");
        assertThat(out.get(1).shape()).containsExactly(1L);
        assertThat(out.get(1).max()).isEqualTo(9.0);                 // frame 1's class
        assertThat(out.get(2).shape()).containsExactly(3L, 7L);      // not batched: whole
    }

    @Test
    void vectorOutput() {
        RawDecoder d = new RawDecoder("logits", new long[] {4}, "float32");
        OutputSummary s = d.summarise(new float[] {0.1f, 0.2f, 0.9f, 0.3f});
        assertThat(s.argmax()).isEqualTo(2);
        assertThat(s.argmaxIndex()).isEqualTo(List.of(2L));
        assertThat(s.mean()).isCloseTo(0.375, within(1e-6));
    }

    @Test
    void firstOfEqualMaximaWins() {
        RawDecoder d = new RawDecoder("o", new long[] {3}, "float32");
        assertThat(d.summarise(new float[] {5f, 5f, 1f}).argmax()).isZero();
    }
}
