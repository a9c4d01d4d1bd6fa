package io.edgesight.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.ModelSpec;
import io.edgesight.preprocess.ChannelOrder;
import io.edgesight.preprocess.ResizeMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDescriptorTest {

    static final String YAML = """
            # written by whoever exported the model
            decoder: raw
            labels: imagenet_class_index.json
            batch-size: 2
            preprocessing:
              resize: letterbox
              channel-order: BGR
              normalize: custom
              mean: [0.485, 0.456, 0.406]
              std: [0.229, 0.224, 0.225]
            output:
              name: probs
              kind: probabilities
              top-k: 5
              min-score: 0.1
            """;

    @Test
    void readsTheDescriptorNextToTheModelAndConfigurationOverridesIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.yaml"), YAML);
        Map<String, String> config = Map.of("edgesight.models.m.path", dir.toString(), "edgesight.models.m.top-k", "2");
        Settings s = new Settings(ModelDescriptor.overlay(config::get));
        ModelSpec spec = ModelSpec.from("m", s);
        assertThat(spec.resize()).isEqualTo(ResizeMode.LETTERBOX);
        assertThat(spec.channelOrder()).isEqualTo(ChannelOrder.BGR);
        assertThat(spec.normalize()).isEqualTo("custom");
        assertThat(spec.mean()).containsExactly(0.485, 0.456, 0.406);
        assertThat(spec.std()).containsExactly(0.229, 0.224, 0.225);
        assertThat(spec.output()).isEqualTo("probs");
        assertThat(spec.outputKind()).isEqualTo("probabilities");
        assertThat(spec.minScore()).isEqualTo(0.1);
        assertThat(spec.batchSize()).isEqualTo(2);
        assertThat(spec.topK()).as("the configuration wins").isEqualTo(2);
        assertThat(spec.labels()).as("relative to the model directory").isEqualTo(dir.resolve("imagenet_class_index.json"));
        assertThat(Decoders.decoderName(s, "m")).isEqualTo("raw");
    }

    @Test
    void flatPropertiesDescriptorOfTheModelImporter(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("edgesight-model.properties"), "decoder = classification\nlabels = labels.txt\nresize = center-crop\n");
        Map<String, String> config = Map.of("edgesight.models.m.path", dir.toString());
        Settings s = new Settings(ModelDescriptor.overlay(config::get));
        assertThat(ModelSpec.from("m", s).resize()).isEqualTo(ResizeMode.CENTER_CROP);
        assertThat(Decoders.decoderName(s, "m")).isEqualTo("classification");
    }

    @Test
    void noDescriptorNoChange(@TempDir Path dir) {
        Map<String, String> config = Map.of("edgesight.models.m.path", dir.toString());
        Settings s = new Settings(ModelDescriptor.overlay(config::get));
        assertThat(ModelSpec.from("m", s).resize()).isEqualTo(ResizeMode.STRETCH);
        assertThat(Decoders.decoderName(s, "m")).isEqualTo("classification");
    }

    @Test
    void mistypedKeyIsNamedWithASuggestion(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.yaml"), "decoder: raw\noutput:\n  top_k: 3\n");
        assertThatThrownBy(() -> ModelDescriptor.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("unknown key 'output.top_k'").hasMessageContaining("did you mean 'top-k'");
    }

    @Test
    void yamlThatDoesNotParseNamesTheLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.yaml"), "decoder: raw\npreprocessing:\n  resize: [stretch\n");
        assertThatThrownBy(() -> ModelDescriptor.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("model.yaml does not parse at line");
    }

    @Test
    void unknownDecoderIsAClearError() {
        Map<String, String> config = Map.of("edgesight.models.m.decoder", "segmentation");
        assertThatThrownBy(() -> Decoders.decoderName(new Settings(config::get), "m")).isInstanceOf(UserError.class)
                .hasMessage("edgesight.models.m.decoder: unknown decoder 'segmentation'; use one of classification, detection, raw"
                        + " (raw reports the output tensor when no decoder fits)");
    }

    @Test
    void labelsFileWithFewerLabelsThanClassesStopsThePreparation(@TempDir Path dir) throws Exception {
        Path labels = dir.resolve("labels.txt");
        Files.writeString(labels, "a\nb\n");
        Map<String, String> config = Map.of("edgesight.models.m.path", dir.toString(), "edgesight.models.m.labels", labels.toString());
        Settings s = new Settings(config::get);
        ModelSpec spec = ModelSpec.from("m", s);
        assertThatThrownBy(() -> Decoders.create(s, spec, "logits", new long[] {3})).isInstanceOf(UserError.class)
                .hasMessageContaining("labels file has 2 labels but the model outputs 3 classes");
        assertThat(Decoders.create(s, spec, "logits", new long[] {2})).isInstanceOf(ClassificationDecoder.class);
        assertThat(Decoders.create(new Settings(k -> k.endsWith(".decoder") ? "raw" : config.get(k)), spec, "logits",
                new long[] {3})).isInstanceOf(RawDecoder.class);
    }
}
