package io.edgesight.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.config.ConfigValidator;
import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.EngineCache;
import io.edgesight.engine.EngineOptions;
import io.edgesight.engine.ModelSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engine build|list|inspect|verify}: the engine cache from the command line. */
@Command(name = "engine", description = "Build, list, inspect and verify cached engines.",
        subcommands = {EngineCommand.Build.class, EngineCommand.ListCmd.class, EngineCommand.Inspect.class,
                EngineCommand.Verify.class})
final class EngineCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** --config and --set, resolved like the run command (overrides > environment > file). */
    static final class ConfigOptions {
        @Option(names = "--config", defaultValue = "config/application.properties") Path config;
        @Option(names = "--set", description = "Override a configuration key: --set key=value") Map<String, String> overrides = new LinkedHashMap<>();

        Settings settings() {
            Map<String, String> file = new LinkedHashMap<>();
            if (Files.isRegularFile(config)) {
                Properties p = new Properties();
                try (var r = Files.newBufferedReader(config)) {
                    p.load(r);
                } catch (IOException e) {
                    throw new UserError("cannot read " + config + ": " + e.getMessage());
                }
                p.stringPropertyNames().forEach(k -> file.put(k, p.getProperty(k)));
            } else {
                throw new UserError("configuration file " + config.toAbsolutePath() + " does not exist (--config)");
            }
            Map<String, String> all = new LinkedHashMap<>(file);
            all.putAll(overrides);
            List<String> errors = ConfigValidator.validate(all, config.toString());
            if (!errors.isEmpty()) throw new UserError(String.join("\n", errors));
            return new Settings(k -> {
                if (overrides.containsKey(k)) return overrides.get(k);
                String env = System.getenv(ConfigValidator.envName(k));
                return env != null ? env : file.get(k);
            });
        }

        List<String> modelIds(Settings s) {
            Pattern p = Pattern.compile("^edgesight\\.models\\.([A-Za-z0-9_-]+)\\.path$");
            List<String> ids = new ArrayList<>();
            Map<String, String> all = new LinkedHashMap<>();
            Properties props = new Properties();
            try (var r = Files.newBufferedReader(config)) {
                props.load(r);
            } catch (IOException e) {
                throw new UserError("cannot read " + config + ": " + e.getMessage());
            }
            props.stringPropertyNames().forEach(k -> all.put(k, props.getProperty(k)));
            all.putAll(overrides);
            for (String k : all.keySet()) {
                Matcher m = p.matcher(k);
                if (m.matches() && !ids.contains(m.group(1))) ids.add(m.group(1));
            }
            return ids;
        }
    }

    @Command(name = "build", description = "Build (or load, when cached and valid) the engine of each model.")
    static final class Build implements Callable<Integer> {
        @Mixin ConfigOptions cfg;
        @Parameters(arity = "0..*", description = "Model ids (default: every configured model).") List<String> models;

        @Override
        public Integer call() {
            Settings s = cfg.settings();
            EngineCache cache = new EngineCache(EngineOptions.from(s));
            for (String id : models == null || models.isEmpty() ? cfg.modelIds(s) : models) {
                EngineCache.Prepared p = cache.prepare(ModelSpec.from(id, s));
                try (var e = p.engine()) {
                    System.out.println((p.built() ? "built  " : "cached ") + p.dir());
                }
            }
            return 0;
        }
    }

    @Command(name = "verify", description = "Check every cached engine of the configured models: files, manifest and outputs; rebuild what is invalid.")
    static final class Verify implements Callable<Integer> {
        @Mixin ConfigOptions cfg;

        @Override
        public Integer call() {
            Settings s = cfg.settings();
            EngineCache cache = new EngineCache(EngineOptions.from(s));
            int rebuilt = 0;
            for (String id : cfg.modelIds(s)) {
                EngineCache.Prepared p = cache.prepare(ModelSpec.from(id, s));
                try (var e = p.engine()) {
                    System.out.println((p.built() ? "REBUILT " : "OK      ") + p.dir() + "  digest " + p.manifest().path("outputDigest").asText().substring(0, 16));
                    if (p.built()) rebuilt++;
                }
            }
            return rebuilt == 0 ? 0 : 1;
        }
    }

    @Command(name = "list", description = "List cached engines.")
    static final class ListCmd implements Callable<Integer> {
        @Mixin ConfigOptions cfg;

        @Override
        public Integer call() throws IOException {
            Path root = EngineOptions.from(cfg.settings()).dir();
            List<Path> dirs = EngineCache.list(root);
            if (dirs.isEmpty()) System.out.println("no engines in " + root.toAbsolutePath());
            for (Path d : dirs) {
                JsonNode m = new ObjectMapper().readTree(d.resolve("manifest.json").toFile());
                System.out.printf("%-48s batch %-3s %-5s %-10s built %s  p50 %.1f ms%n", d.getFileName(),
                        m.path("spec").path("batchSize").asText(), m.path("spec").path("precision").asText(),
                        kind(m), m.path("buildTime").asText(),
                        m.path("latencyMs").path("p50").asDouble());
            }
            return 0;
        }
    }

    /** native-TF, TF-TRT, or ORT-CPU / ORT-CUDA / ORT-TensorRT. */
    static String kind(JsonNode manifest) {
        if ("onnxruntime".equals(manifest.path("runtime").asText())) return "ORT-" + manifest.path("device").asText("CPU");
        return manifest.path("tensorrt").path("used").asBoolean() ? "TF-TRT" : "native-TF";
    }

    @Command(name = "inspect", description = "Print the manifest of a cached engine.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(description = "Engine directory (as listed by 'engine list').") Path dir;

        @Override
        public Integer call() throws IOException {
            Path m = dir.resolve("manifest.json");
            if (!Files.isRegularFile(m)) throw new UserError(dir + " is not an engine directory (no manifest.json)");
            System.out.println(Files.readString(m));
            return 0;
        }
    }
}
