package io.edgesight.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.edgesight.predict.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels files (text, JSON array, Keras class index), valid and mutated: labels, or one clear refusal. */
class LabelsFuzzTest {
    static final String KERAS = "{\"0\": [\"n01440764\", \"tench\"], \"1\": [\"n01443537\", \"goldfish\"], \"2\": [\"n01484850\", \"great white shark\"]}";
    static final String ARRAY = "[\"red circle\", \"green square\", \"blue triangle\", \"yellow star\"]";
    static final String TEXT = "red circle\ngreen square\n\nblue triangle\r\nyellow star\n";

    @Test
    void mutatedLabelsFilesGiveLabelsOrOneClearError(@TempDir Path tmp) throws Exception {
        int[] loaded = new int[1];
        int n = Fuzz.tries("labels", 1500, (r, i) -> {
            String seed = switch (i % 3) {
                case 0 -> KERAS;
                case 1 -> ARRAY;
                default -> TEXT;
            };
            String text = r.nextInt(10) == 0 ? Fuzz.randomText(r, 30) : Fuzz.mutate(r, seed, 4);
            Path file = tmp.resolve("labels-" + i + (i % 3 == 2 && r.nextBoolean() ? ".txt" : ".json"));
            Files.write(file, r.nextInt(20) == 0 ? Fuzz.mutate(r, text.getBytes(StandardCharsets.UTF_8), 3)
                    : text.getBytes(StandardCharsets.UTF_8));
            Labels labels = Fuzz.cleanOutcome(() -> Labels.load(file, "edgesight.models.m.labels"), text);
            if (labels != null) {
                loaded[0]++;
                assertThat(labels.size()).isPositive();
                // class ids come from model outputs: any int must name something, never throw
                for (int id : new int[] {0, labels.size() - 1, labels.size(), -1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                    assertThat(labels.name(id)).isNotNull();
                }
                Fuzz.cleanOutcome(() -> {
                    labels.checkCovers(r.nextInt(-3, 10), "edgesight.models.m.labels");
                    return null;
                }, text);
            }
            Files.delete(file);
        });
        System.out.printf("labels fuzz: %d files, %d loaded, the rest refused with one line%n", n, loaded[0]);
        assertThat(loaded[0]).as("the mutations keep some files valid").isPositive().isLessThan(n);
    }
}
