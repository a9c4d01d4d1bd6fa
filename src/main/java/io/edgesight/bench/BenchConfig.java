package io.edgesight.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.EngineOptions;
import io.edgesight.engine.ModelSpec;
import io.edgesight.predict.ModelDescriptor;

/**
 * The configuration file plus a run's overrides, read the way the application reads them (model.yaml overlay
 * included), so the bare engine of a comparison is built from exactly the keys the pipeline runs with.
 */
public final class BenchConfig {
    private final Map<String, String> values;

    private BenchConfig(Map<String, String> values) {
        this.values = values;
    }

    public static BenchConfig load(Path config, Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(read(config));
        v.putAll(overrides);
        return new BenchConfig(v);
    }

    public String get(String key) {
        return values.get(key);
    }

    private Settings settings() {
        return new Settings(ModelDescriptor.overlay(values::get));
    }

    public ModelSpec spec(String model) {
        if (!values.containsKey(ModelSpec.PREFIX + model + ".path")) {
            throw new UserError("unknown model '" + model + "': declare " + ModelSpec.PREFIX + model + ".path in the configuration");
        }
        return ModelSpec.from(model, settings());
    }

    public EngineOptions engineOptions() {
        return EngineOptions.from(settings());
    }

    static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError("configuration file " + file.toAbsolutePath() + " does not exist (--config)");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    /** The sample camera's video from the configuration, generated first when it is missing (a fresh clone). */
    static Path sampleVideo(Path config) throws Exception {
        Path video = Path.of(read(config).getOrDefault("edgesight.cameras.sample.url", "samples/generated/shapes.mp4"));
        io.edgesight.sample.SampleVideo.ensure(video);
        return video;
    }
}
