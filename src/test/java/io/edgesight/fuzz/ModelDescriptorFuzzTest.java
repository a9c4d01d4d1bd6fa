package io.edgesight.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.edgesight.config.ConfigKeys;
import io.edgesight.predict.ModelDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model descriptors next to a model, valid and mutated: model.yaml and edgesight-model.properties (the import
 * command's format), both read by predict.ModelDescriptor at start-up. Each gives
 * values that pass the same checks as the configuration keys they stand for, or one clear refusal.
 */
class ModelDescriptorFuzzTest {
    static final String YAML = """
            decoder: classification
            labels: labels.txt
            preprocessing:
              resize: letterbox
              channel-order: BGR
              normalize: custom
              mean: [0.485, 0.456, 0.406]
              std: [0.229, 0.224, 0.225]
            output:
              name: logits
              kind: logits
              top-k: 5
              min-score: 0.1
            box-format: xyxy-score-class
            iou-threshold: 0.45
            """;
    static final String PROPERTIES = """
            # written by edgesight model import
            decoder = detection
            labels = labels.txt
            batch-size = 1
            resize = letterbox
            normalize = raw
            output = detections
            box-coordinates = pixels
            class-offset = 0
            max-detections = 10
            """;

    @Test
    void mutatedDescriptorsGiveCheckedValuesOrOneClearError(@TempDir Path tmp) throws Exception {
        int[] loaded = new int[1];
        int n = Fuzz.tries("model descriptor", 1200, (r, i) -> {
            Path dir = Files.createDirectories(tmp.resolve("m" + i));
            boolean yaml = i % 2 == 0;
            String text = r.nextInt(12) == 0 ? Fuzz.randomText(r, 40) : Fuzz.mutate(r, yaml ? YAML : PROPERTIES, 4);
            Files.write(dir.resolve(yaml ? ModelDescriptor.FILE : ModelDescriptor.PROPERTIES_FILE), text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ModelDescriptor d = Fuzz.cleanOutcome(() -> ModelDescriptor.load(dir), text);
            if (d != null) {
                loaded[0]++;
                for (Map.Entry<String, String> e : d.values().entrySet()) {
                    String key = "edgesight.models.m." + e.getKey();
                    assertThat(ConfigKeys.find(key)).as("descriptor key %s of %s", e.getKey(), Fuzz.show(text)).isPresent();
                    assertThat(ConfigKeys.problem(key, e.getValue())).as("value of %s in %s", e.getKey(), Fuzz.show(text)).isNull();
                }
            }
        });
        System.out.printf("model descriptor fuzz: %d descriptors, %d loaded, the rest refused with one line%n", n, loaded[0]);
        assertThat(loaded[0]).isPositive().isLessThan(n);
    }
}
