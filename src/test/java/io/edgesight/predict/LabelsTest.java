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

class LabelsTest {

    /** The first entries of Keras' imagenet_class_index.json, in its own format (keys out of order on purpose). */
    static final String IMAGENET = """
            {"2": ["n01484850", "great_white_shark"], "0": ["n01440764", "tench"],
             "1": ["n01443537", "goldfish"], "3": ["n01491361", "tiger_shark"]}
            """;

    @Test
    void kerasImagenetClassIndexJson(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("imagenet_class_index.json");
        Files.writeString(f, IMAGENET);
        Labels labels = Labels.load(f, "k");
        assertThat(labels.size()).isEqualTo(4);
        assertThat(List.of(labels.name(0), labels.name(1), labels.name(2), labels.name(3)))
                .containsExactly("tench", "goldfish", "great_white_shark", "tiger_shark");

        // decoded with the classification decoder: logits (0, ln 2, ln 4, ln 1) -> softmax (1, 2, 4, 1)/8
        var d = new ClassificationDecoder(labels, 2, 0, "logits");
        List<Classification> top = d.decode(new float[] {0f, (float) Math.log(2), (float) Math.log(4), 0f});
        assertThat(top).extracting(Classification::label).containsExactly("great_white_shark", "goldfish");
        assertThat(top.get(0).score()).isCloseTo(0.5, within(1e-6));
        assertThat(top.get(1).score()).isCloseTo(0.25, within(1e-6));
        assertThat(top.get(0).classId()).isEqualTo(2);
    }

    @Test
    void jsonArrayOfLabels(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("labels.json");
        Files.writeString(f, "[\"cat\", \"dog\"]");
        assertThat(Labels.load(f, "k").name(1)).isEqualTo("dog");
    }

    @Test
    void classIndexWithAGapIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("imagenet_class_index.json");
        Files.writeString(f, "{\"0\": [\"n1\", \"a\"], \"2\": [\"n3\", \"c\"]}");
        assertThatThrownBy(() -> Labels.load(f, "edgesight.models.m.labels")).isInstanceOf(UserError.class)
                .hasMessageContaining("has no entry for class 1");
    }

    @Test
    void brokenJsonNamesTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("imagenet_class_index.json");
        Files.writeString(f, "{\"0\": [\"n1\", \"a\"],\n \"1\": [\"n2\" \"b\"]}");
        assertThatThrownBy(() -> Labels.load(f, "edgesight.models.m.labels")).isInstanceOf(UserError.class)
                .hasMessageContaining("is not valid JSON (line 2");
    }

    @Test
    void textFileStillWorks(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("labels.txt");
        Files.writeString(f, "a\n\nb\n");
        Labels l = Labels.load(f, "k");
        assertThat(l.size()).isEqualTo(2);
        assertThat(l.name(5)).as("beyond the file: the class id").isEqualTo("5");
    }
}
