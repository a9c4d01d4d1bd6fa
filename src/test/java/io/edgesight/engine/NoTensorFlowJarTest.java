package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.platform.GlibcFloor;
import io.edgesight.platform.JarTarget;
import org.junit.jupiter.api.Test;

/**
 * A jar built without TensorFlow (the jetpack4 and jetpack5 profiles) refuses SavedModels with one line saying to use
 * ONNX, and lets ONNX models through. (The built jar itself is checked by deploy/jetpack-check.sh under emulation.)
 */
class NoTensorFlowJarTest {
    static final JarTarget JETPACK4 = new JarTarget("jetpack4", "JetPack 4.6 (L4T R32.7, Ubuntu 18.04: Jetson Nano, TX2, Xavier on 4.x)",
            new GlibcFloor("2.27", "3.4.25", "1.3.11"), false, "1.5.6");
    static final JarTarget JETPACK6 = new JarTarget("jetpack6", "JetPack 6.1/6.2", new GlibcFloor("2.35", "3.4.30", "1.3.13"), true, "1.5.11");

    static ModelSpec spec(String path) {
        return ModelSpec.from("sample", new Settings(Map.of("edgesight.models.sample.path", path)::get));
    }

    @Test
    void aSavedModelIsRefusedWithOneLineSayingToUseOnnx() {
        assertThatThrownBy(() -> Engines.requireTensorFlow(spec("samples/models/shapes"), JETPACK4))
                .isInstanceOf(UserError.class)
                .hasMessage("model 'sample': samples/models/shapes is a TensorFlow SavedModel, but this jar (jetpack4) has no"
                        + " TensorFlow: TensorFlow Java does not load on JetPack 4.6 (L4T R32.7, Ubuntu 18.04: Jetson Nano,"
                        + " TX2, Xavier on 4.x). Use an ONNX model there: convert it (e.g. python -m tf2onnx.convert"
                        + " --saved-model samples/models/shapes --output model.onnx) and set edgesight.models.sample.path to"
                        + " the .onnx file (docs/JETSON.md)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aJarWithTensorFlowOrNoDeclaredTargetLetsSavedModelsThrough() {
        Engines.requireTensorFlow(spec("samples/models/shapes"), JETPACK6);
        Engines.requireTensorFlow(spec("samples/models/shapes"), null);
        // running from classes (this test): nothing declared, TensorFlow is on the classpath
        assertThat(JarTarget.current()).isEmpty();
        assertThat(JarTarget.tensorflowAvailable()).isTrue();
        Engines.requireTensorFlow(spec("samples/models/shapes"));
    }

    @Test
    void onnxModelsNeverAskForTensorFlow() {
        ModelSpec onnx = spec(Path.of("models", "shapes-colour.onnx").toString());
        assertThat(Engines.isOnnx(onnx)).isTrue();
        assertThat(EngineRuntime.of(onnx, EngineOptions.defaults()).name()).isEqualTo("onnxruntime");
    }
}
