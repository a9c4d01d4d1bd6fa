package io.edgesight.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.bench.EngineBench;
import io.edgesight.bench.PipelineBench;
import io.edgesight.engine.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench}: the bare engine (default) and the whole pipeline, printed as a table and written as JSON. */
@Command(name = "bench", description = "Benchmark the bare engine for a list of batch sizes; "
        + "with --pipeline also the full pipeline on the configured routes, same model and batch. Give --model-path "
        + "more than once (e.g. a SavedModel and a .onnx file of the same network) to compare runtimes in one run. "
        + "Subcommands: 'bench pipeline' (the whole performance harness) and 'bench soak' (memory and resources over time).",
        subcommands = {BenchPipelineCommand.class, BenchSoakCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "config/application.properties") Path config;
    @Option(names = "--routes", defaultValue = "routes") Path routes;
    @Option(names = "--model", defaultValue = "sample", description = "Model id from the configuration (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--model-path", description = "Benchmark this SavedModel directory or .onnx file instead of a configured"
            + " model (repeatable: the models run one after the other for each batch size).")
    List<Path> modelPaths;
    @Option(names = "--batch", split = ",", defaultValue = "1,2,4,8", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    int[] batches;
    @Option(names = "--warmup", defaultValue = "50") int warmup;
    @Option(names = "--runs", defaultValue = "200", description = "Timed runs per batch size.") int runs;
    @Option(names = "--threads", description = "Intra-op threads of TensorFlow or ONNX Runtime (default: the model's setting).") Integer threads;
    @Option(names = "--pipeline", description = "Also run the full pipeline for each batch size.") boolean pipeline;
    @Option(names = "--camera", defaultValue = "sample", description = "Camera feeding the model in the routes.") String camera;
    @Option(names = "--frames", defaultValue = "1200", description = "Frames per pipeline run.") long frames;
    @Option(names = "--json", description = "Write the results as JSON here.") Path json;
    @Option(names = "--set", description = "Override a configuration key, for the engine and the pipeline: --set key=value")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (Arrays.stream(batches).anyMatch(b -> b < 1)) throw new UserError("--batch sizes must be 1 or more");
        if (runs < 1 || warmup < 0) throw new UserError("--runs must be 1 or more and --warmup 0 or more");
        List<ModelSpec> specs = specs();
        if (pipeline && specs.size() > 1) throw new UserError("--pipeline runs the configured routes: give one model");
        ModelSpec spec = specs.get(0);
        // TensorRT engines are built for each batch size on this GPU and cached, as the pipeline would use them
        io.edgesight.engine.EngineOptions options = io.edgesight.engine.EngineOptions.from(new Settings(values::get));
        List<EngineBench.Result> engine = EngineBench.run(specs, batches, warmup, runs, System.out,
                s -> io.edgesight.engine.Engines.select(s, options).equals(io.edgesight.engine.TrtEngine.RUNTIME)
                        ? new io.edgesight.engine.EngineCache(options).prepare(s).engine()
                        : io.edgesight.engine.Engines.load(s));
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean compare = specs.size() > 1;
        int width = Math.max(10, specs.stream().mapToInt(s -> s.id().length()).max().orElse(10));
        System.out.println();
        System.out.printf("%-" + width + "s %-11s %5s %7s %14s %9s %9s %16s %7s%n", "model", "runtime", "batch", "threads",
                "engine img/s", "p50 ms", "p99 ms", pipeline ? "pipeline fr/s" : compare ? "vs " + spec.id() : "",
                pipeline ? "ratio" : "");
        Map<Integer, Double> reference = new LinkedHashMap<>();
        for (EngineBench.Result r : engine) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", r.model());
            row.put("runtime", r.runtime());
            row.put("batch", r.batch());
            row.put("threads", r.threads());
            row.put("engineImagesPerSecond", round(r.imagesPerSecond()));
            row.put("p50Ms", round(r.latency().p50()));
            row.put("p99Ms", round(r.latency().p99()));
            String pipe = "";
            String ratio = "";
            if (compare) {
                if (r.model().equals(spec.id())) reference.put(r.batch(), r.imagesPerSecond());
                Double ref = reference.get(r.batch());
                if (ref != null) {
                    row.put("speedupVsFirst", round(r.imagesPerSecond() / ref));
                    pipe = String.format("%.2fx", r.imagesPerSecond() / ref);
                }
            }
            if (pipeline) {
                Map<String, String> extra = new LinkedHashMap<>(overrides);
                extra.put("edgesight.models." + model + ".threads", Integer.toString(spec.threads()));
                PipelineBench.Result p = PipelineBench.run(config, routes, model, camera, r.batch(), frames, extra, System.out);
                row.put("pipelineFramesPerSecond", round(p.framesPerSecond()));
                row.put("ratio", round(p.framesPerSecond() / r.imagesPerSecond()));
                pipe = String.format("%.1f", p.framesPerSecond());
                ratio = String.format("%.2f", p.framesPerSecond() / r.imagesPerSecond());
            }
            rows.add(row);
            System.out.printf("%-" + width + "s %-11s %5d %7d %14.1f %9.2f %9.2f %16s %7s%n", r.model(), r.runtime(), r.batch(),
                    r.threads(), r.imagesPerSecond(), r.latency().p50(), r.latency().p99(), pipe, ratio);
        }
        if (json != null) write(json, rows);
        return 0;
    }

    /** The configuration file with the --set overrides. */
    private Map<String, String> values;

    private List<ModelSpec> specs() {
        Map<String, String> file = readConfig();
        values = new LinkedHashMap<>(file);
        values.putAll(overrides);
        List<String> ids = new ArrayList<>();
        if (modelPaths != null && !modelPaths.isEmpty()) {
            for (Path p : modelPaths) {
                String id = p.getFileName().toString();
                if (ids.contains(id)) throw new UserError("--model-path " + p + ": two models named '" + id + "'");
                ids.add(id);
                values.put(ModelSpec.PREFIX + id + ".path", p.toString());
            }
            model = ids.get(0);
        } else {
            ids.add(model);
        }
        List<ModelSpec> out = new ArrayList<>();
        for (String m : ids) {
            if (threads != null) values.put(ModelSpec.PREFIX + m + ".threads", threads.toString());
            if (!values.containsKey(ModelSpec.PREFIX + m + ".path")) {
                throw new UserError("unknown model '" + m + "': give --model-path or declare " + ModelSpec.PREFIX + m + ".path in " + config);
            }
            out.add(ModelSpec.from(m, new Settings(values::get)));
        }
        return out;
    }

    private Map<String, String> readConfig() {
        java.util.Properties p = new java.util.Properties();
        if (Files.isRegularFile(config)) {
            try (var r = Files.newBufferedReader(config)) {
                p.load(r);
            } catch (IOException e) {
                throw new UserError("cannot read " + config + ": " + e.getMessage());
            }
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void write(Path file, List<Map<String, Object>> rows) throws IOException {
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "os.arch", System.getProperty("os.arch"), "java", System.getProperty("java.version")));
        doc.put("results", rows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
        System.out.println("wrote " + file);
    }
}
