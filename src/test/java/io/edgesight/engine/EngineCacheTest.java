package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.testing.TestModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine cache as a user meets it across restarts: build once, load after, rebuild what changed or broke. */
class EngineCacheTest {
    @TempDir Path tmp;
    Path model;
    Path engines;
    Map<String, String> conf;

    @BeforeEach
    void setUp() throws Exception {
        model = TestModels.channelMean(tmp.resolve("model"), -1, 16, 16);
        engines = tmp.resolve("engines");
        conf = new HashMap<>(Map.of(
                "edgesight.models.m.path", model.toString(),
                "edgesight.models.m.batch-size", "2",
                "edgesight.models.m.normalize", "raw",
                "edgesight.models.m.threads", "1",
                "edgesight.engine.dir", engines.toString()));
    }

    EngineCache.Prepared prepare() {
        Settings s = new Settings(conf::get);
        EngineCache.Prepared p = new EngineCache(EngineOptions.from(s)).prepare(ModelSpec.from("m", s));
        p.engine().close();
        return p;
    }

    List<Path> engineDirs() throws Exception {
        try (Stream<Path> s = Files.list(engines)) {
            return s.filter(Files::isDirectory).toList();
        }
    }

    @Test
    void firstStartBuildsSecondLoadsWithTheSameDigest() throws Exception {
        EngineCache.Prepared first = prepare();
        assertThat(first.built()).isTrue();
        assertThat(first.dir().getFileName().toString()).matches("m-b2-FP32-[0-9a-f]{12}");
        JsonNode manifest = new ObjectMapper().readTree(first.dir().resolve("manifest.json").toFile());
        assertThat(manifest.path("model").path("sha256").asText()).hasSize(64);
        assertThat(manifest.path("spec").path("batchSize").asInt()).isEqualTo(2);
        assertThat(manifest.path("tensorflow").path("version").asText()).startsWith("2.");
        assertThat(manifest.path("tensorrt").path("used").asBoolean()).isFalse();
        assertThat(manifest.path("latencyMs").path("p50").asDouble()).isPositive();

        EngineCache.Prepared second = prepare();
        assertThat(second.built()).as("second start must not rebuild").isFalse();
        assertThat(second.dir()).isEqualTo(first.dir());
        assertThat(second.manifest().path("outputDigest").asText()).isEqualTo(manifest.path("outputDigest").asText());
        assertThat(second.manifest().path("buildTime").asText()).isEqualTo(manifest.path("buildTime").asText());
    }

    @Test
    void changingBatchSizePrecisionOrTheModelBuildsANewEngine() throws Exception {
        Path a = prepare().dir();
        conf.put("edgesight.models.m.batch-size", "4");
        EngineCache.Prepared b = prepare();
        assertThat(b.built()).isTrue();
        assertThat(b.dir()).isNotEqualTo(a);
        conf.put("edgesight.models.m.precision", "FP16");
        EngineCache.Prepared c = prepare();
        assertThat(c.built()).isTrue();
        assertThat(c.dir().getFileName().toString()).contains("-FP16-");
        // the model file changes (re-exported with another input size): new fingerprint
        TestModels.channelMean(model, -1, 8, 8);
        EngineCache.Prepared d = prepare();
        assertThat(d.built()).isTrue();
        assertThat(d.dir()).isNotEqualTo(c.dir());
        assertThat(d.manifest().path("spec").path("inputHeight").asInt()).isEqualTo(8);
    }

    @Test
    void aTruncatedManifestIsRebuiltNotUsed() throws Exception {
        Path dir = prepare().dir();
        Path m = dir.resolve("manifest.json");
        byte[] bytes = Files.readAllBytes(m);
        Files.write(m, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        EngineCache.Prepared again = prepare();
        assertThat(again.built()).isTrue();
        assertThat(again.dir()).isEqualTo(dir);
        assertThat(new ObjectMapper().readTree(m.toFile()).path("fingerprint").asText()).hasSize(64);
    }

    @Test
    void aTruncatedEngineFileIsRebuiltNotUsed() throws Exception {
        Path dir = prepare().dir();
        Path pb = dir.resolve("saved_model/saved_model.pb");
        Files.write(pb, java.util.Arrays.copyOf(Files.readAllBytes(pb), 100));
        EngineCache.Prepared again = prepare();
        assertThat(again.built()).isTrue();
        assertThat(Files.size(pb)).isEqualTo(Files.size(model.resolve("saved_model.pb")));
    }

    @Test
    void anUnfinishedBuildLeftByAKilledProcessIsNeverUsedAndIsCleared() throws Exception {
        Path dir = prepare().dir();
        String name = dir.getFileName().toString();
        EngineCache.deleteTree(dir);
        Path half = Files.createDirectories(engines.resolve(".tmp-" + name + "-12345/saved_model"));
        Files.writeString(half.resolve("saved_model.pb"), "half written");
        EngineCache.Prepared p = prepare();
        assertThat(p.built()).isTrue();
        assertThat(Files.exists(half)).isFalse();
    }

    @Test
    void aModelAlreadyConvertedByTfTrtGivesAClearErrorOnARuntimeWithoutTensorRt() throws Exception {
        Path pb = model.resolve("saved_model.pb");
        var sm = org.tensorflow.proto.SavedModel.parseFrom(Files.readAllBytes(pb)).toBuilder();
        sm.getMetaGraphsBuilder(0).getGraphDefBuilder()
                .addNode(org.tensorflow.proto.NodeDef.newBuilder().setName("TRTEngineOp_000_000").setOp("TRTEngineOp"));
        Files.write(pb, sm.build().toByteArray());
        assertThatThrownBy(this::prepare).isInstanceOf(EngineException.class)
                .hasMessageContaining("was converted by TF-TRT (it contains TRTEngineOp nodes) and cannot run here")
                .hasMessageContaining("Point the model path at the original SavedModel");
    }

    @Test
    void badSettingsAreRefusedWithTheKeyNamed() {
        conf.put("edgesight.models.m.precision", "FP8");
        assertThatThrownBy(this::prepare).isInstanceOf(UserError.class)
                .hasMessage("edgesight.models.m.precision: unknown precision 'FP8'; use FP32, FP16 or INT8");
        conf.put("edgesight.models.m.precision", "FP32");
        conf.put("edgesight.models.m.path", tmp.toString());
        assertThatThrownBy(this::prepare).isInstanceOf(UserError.class).hasMessageContaining("is not a SavedModel (no saved_model.pb)");
    }

    @Test
    void anEngineDirectoryThatCannotBeWrittenIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        conf.put("edgesight.engine.dir", file.toString());
        assertThatThrownBy(this::prepare).isInstanceOf(UserError.class)
                .hasMessageContaining("engine directory " + file.toAbsolutePath() + " is not writable");
    }
}
