package io.edgesight.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.edgesight.config.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassificationDecoderTest {

    private static Labels labels(Path dir, String... names) throws Exception {
        Path f = dir.resolve("labels.txt");
        Files.write(f, List.of(names));
        return Labels.load(f, "test.labels");
    }

    @Test
    void logitsGetASoftmax(@TempDir Path dir) throws Exception {
        var d = new ClassificationDecoder(labels(dir, "cat", "dog", "car"), 3, 0, "auto");
        // softmax(1,2,3) = (0.0900306, 0.2447285, 0.6652410), computed by hand
        List<Classification> top = d.decode(new float[] {1f, 2f, 3f});
        assertThat(top).extracting(Classification::label).containsExactly("car", "dog", "cat");
        assertThat(top.get(0).score()).isCloseTo(0.6652410, within(1e-6));
        assertThat(top.get(1).score()).isCloseTo(0.2447285, within(1e-6));
        assertThat(top.get(2).score()).isCloseTo(0.0900306, within(1e-6));
    }

    @Test
    void probabilitiesAreUsedAsTheyAre(@TempDir Path dir) throws Exception {
        var d = new ClassificationDecoder(labels(dir, "cat", "dog", "car"), 2, 0, "auto");
        List<Classification> top = d.decode(new float[] {0.2f, 0.7f, 0.1f});
        assertThat(top).extracting(Classification::classId).containsExactly(1, 0);
        assertThat(top.get(0).score()).isCloseTo(0.7, within(1e-6));
        assertThat(top.get(1).score()).isCloseTo(0.2, within(1e-6));
    }

    @Test
    void explicitLogitsEvenWhenTheRowLooksLikeADistribution(@TempDir Path dir) throws Exception {
        var d = new ClassificationDecoder(labels(dir, "a", "b"), 1, 0, "logits");
        // softmax(0.5, 0.5) = 0.5 each; without the softmax the score would stay 0.5 too, so use 0.25/0.75
        List<Classification> top = d.decode(new float[] {0.25f, 0.75f});
        assertThat(top.get(0).score()).isCloseTo(Math.exp(0.75) / (Math.exp(0.25) + Math.exp(0.75)), within(1e-6));
    }

    @Test
    void minScoreCutsTheList(@TempDir Path dir) throws Exception {
        var d = new ClassificationDecoder(labels(dir, "a", "b", "c"), 3, 0.15, "probabilities");
        assertThat(d.decode(new float[] {0.1f, 0.6f, 0.3f})).extracting(Classification::label).containsExactly("b", "c");
    }

    @Test
    void hugeLogitsDoNotOverflow() {
        var d = new ClassificationDecoder(Labels.none(), 1, 0, "logits");
        List<Classification> top = d.decode(new float[] {1000f, 999f});
        assertThat(top.get(0).label()).isEqualTo("0");
        assertThat(top.get(0).score()).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-9));
    }

    @Test
    void labelsFileWithTooFewLabelsIsRefused(@TempDir Path dir) throws Exception {
        Labels l = labels(dir, "a", "b");
        assertThatThrownBy(() -> l.checkCovers(3, "edgesight.models.x.labels"))
                .isInstanceOf(UserError.class).hasMessageContaining("2 labels but the model outputs 3 classes");
    }
}
