package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgesight.config.Settings;
import io.edgesight.tooling.ColourClassifier;
import io.edgesight.testing.OnnxTestModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX engines in the same cache as TensorFlow's: built on the first start, loaded from the engine directory after. */
class OrtEngineCacheTest {
    @TempDir Path tmp;
    Path model;
    Map<String, String> conf;

    @BeforeEach
    void setUp() throws Exception {
        model = ColourClassifier.write(tmp.resolve("model/shapes.onnx"));
        conf = new HashMap<>(Map.of(
                "edgesight.models.m.path", model.toString(),
                "edgesight.models.m.batch-size", "2",
                "edgesight.models.m.threads", "1",
                "edgesight.engine.dir", tmp.resolve("engines").toString()));
    }

    EngineCache.Prepared prepare() {
        Settings s = new Settings(conf::get);
        EngineCache.Prepared p = new EngineCache(EngineOptions.from(s)).prepare(ModelSpec.from("m", s));
        p.engine().close();
        return p;
    }

    @Test
    void firstStartBuildsTheOptimisedModelSecondLoadsItFromTheEngineDirectory() throws Exception {
        EngineCache.Prepared first = prepare();
        assertThat(first.built()).isTrue();
        assertThat(first.engine()).isInstanceOf(OrtEngine.class);
        assertThat(first.dir().getFileName().toString()).matches("m-b2-FP32-[0-9a-f]{12}");
        Path optimised = first.dir().resolve("onnx/model.onnx");
        assertThat(optimised).isRegularFile();
        assertThat(((OrtEngine) first.engine()).modelFile().toAbsolutePath()).isEqualTo(optimised.toAbsolutePath());
        JsonNode m = first.manifest();
        assertThat(m.path("runtime").asText()).isEqualTo("onnxruntime");
        assertThat(m.path("onnxruntime").path("version").asText()).isEqualTo(OrtEngine.version());
        assertThat(m.path("onnxruntime").path("availableProviders").toString()).contains("CPU");
        assertThat(m.path("onnxruntime").path("savedOptimizationLevel").asText()).isEqualTo("all");
        assertThat(m.path("onnxruntime").path("loadOptimizationLevel").asText()).isEqualTo("off");
        assertThat(m.path("device").asText()).isEqualTo("CPU");
        assertThat(m.path("spec").path("inputLayout").asText()).isEqualTo("NCHW");
        assertThat(m.path("options").path("optimizationLevel").asText()).isEqualTo("all");
        assertThat(m.path("options").path("executionMode").asText()).isEqualTo("SEQUENTIAL");
        assertThat(m.path("options").path("allowSpinning").asBoolean()).isFalse();
        assertThat(m.path("tensorrt").path("used").asBoolean()).isFalse();
        assertThat(m.path("files").has("model.onnx")).isTrue();
        long modified = Files.getLastModifiedTime(optimised).toMillis();

        EngineCache.Prepared second = prepare();
        assertThat(second.built()).as("second start must not rebuild").isFalse();
        assertThat(second.dir()).isEqualTo(first.dir());
        assertThat(((OrtEngine) second.engine()).modelFile().toAbsolutePath()).isEqualTo(optimised.toAbsolutePath());
        assertThat(Files.getLastModifiedTime(optimised).toMillis()).as("the optimised model is not rewritten").isEqualTo(modified);
        assertThat(second.manifest().path("buildTime").asText()).isEqualTo(m.path("buildTime").asText());
        assertThat(second.manifest().path("outputDigest").asText()).isEqualTo(m.path("outputDigest").asText());
    }

    @Test
    void changingTheSpecOrTheModelBuildsANewEngine() throws Exception {
        Path a = prepare().dir();
        conf.put("edgesight.models.m.batch-size", "4");
        EngineCache.Prepared b = prepare();
        assertThat(b.built()).isTrue();
        assertThat(b.dir()).isNotEqualTo(a);
        conf.put("edgesight.models.m.threads", "2");
        EngineCache.Prepared c = prepare();
        assertThat(c.built()).isTrue();
        assertThat(c.dir()).isNotEqualTo(b.dir());
        conf.put("edgesight.engine.onnx.optimization-level", "basic");
        EngineCache.Prepared d = prepare();
        assertThat(d.built()).isTrue();
        assertThat(d.manifest().path("onnxruntime").path("savedOptimizationLevel").asText()).isEqualTo("basic");
        conf.put("edgesight.models.m.precision", "FP16");
        EngineCache.Prepared e = prepare();
        assertThat(e.built()).isTrue();
        assertThat(e.dir().getFileName().toString()).contains("-FP16-");
        // another model in the same file: new fingerprint
        OnnxTestModels.channelMean(model, -1, 16, 16);
        EngineCache.Prepared f = prepare();
        assertThat(f.built()).isTrue();
        assertThat(f.manifest().path("spec").path("inputHeight").asInt()).isEqualTo(16);
        // nothing changed: loaded
        assertThat(prepare().built()).isFalse();
    }

    @Test
    void aTruncatedOptimisedModelIsRebuiltNotUsed() throws Exception {
        Path dir = prepare().dir();
        Path file = dir.resolve("onnx/model.onnx");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        EngineCache.Prepared again = prepare();
        assertThat(again.built()).isTrue();
        assertThat(Files.size(file)).isEqualTo(bytes.length);
    }

    @Test
    void tensorRtRequiredWithAnOnnxModelFailsHereWithTheReason() {
        conf.put("edgesight.engine.tensorrt", "required");
        assertThatThrownBy(this::prepare).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("edgesight.engine.tensorrt=required, but ONNX Runtime " + OrtEngine.version()
                        + " in this jar (com.microsoft.onnxruntime:onnxruntime, the CPU build) has no TensorRT execution"
                        + " provider: OrtEnvironment.getAvailableProviders() reports [CPUExecutionProvider]")
                .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime_gpu");
        conf.put("edgesight.engine.tensorrt", "off");
        assertThat(prepare().manifest().path("device").asText()).isEqualTo("CPU");
    }
}
