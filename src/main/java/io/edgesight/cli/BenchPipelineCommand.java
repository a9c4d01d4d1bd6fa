package io.edgesight.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import io.edgesight.config.UserError;
import io.edgesight.bench.PipelineHarness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench pipeline}: throughput, latency, scale and start-up in one command (docs/BENCHMARKS.md). */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The performance harness: (throughput) bare engine vs full pipeline for batch 1,2,4,8 on the sample "
                + "model and ResNet-50; (latency) capture -> MQTT p50/p99 at a live 25 fps source against batch size and "
                + "batch timeout; (scale) 1,2,4,8 cameras into one batcher: frames/s, fairness, CPU; (startup) new process to "
                + "first prediction with a cold and a cached engine; (motion) motion gating on a mostly still scene of real footage "
                + "(a photograph, vtest.avi, the photograph): still frames inferred, recall vs ungated, process CPU. Prints markdown tables; writes pipeline.json, "
                + "pipeline.md and PNG plots to --out.")
final class BenchPipelineCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Short runs and a smaller grid (development, tests); the numbers are noisy.")
    boolean quick;
    @Option(names = "--only", split = ",", description = "Parts to run, of throughput,latency,scale,startup,motion (default: all).")
    List<String> only;
    @Option(names = "--models", split = ",", defaultValue = "sample,resnet50",
            description = "Models for throughput and start-up: sample, resnet50 (default: ${DEFAULT-VALUE}).")
    List<String> models;
    @Option(names = "--resnet50", defaultValue = "models/resnet50",
            description = "The ResNet-50 SavedModel; generated there when missing (default: ${DEFAULT-VALUE}).")
    Path resnet50;
    @Option(names = "--batch", split = ",", description = "Batch sizes for throughput and latency (default: 1,2,4,8; --quick: latency at 4).")
    int[] batches;
    @Option(names = "--timeouts", split = ",", description = "Batch timeouts in ms for latency (default: 10,50,200,1000; --quick: 20,200).")
    long[] timeouts;
    @Option(names = "--cameras", split = ",", description = "Camera counts for scale (default: 1,2,4,8; --quick: 1,2).")
    int[] cameras;
    @Option(names = "--threads", description = "Intra-op threads for engine and pipeline alike (default: the configured value).")
    Integer threads;
    @Option(names = "--out", defaultValue = "target/bench", description = "Directory for pipeline.json, pipeline.md, PNGs (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--config", defaultValue = "config/application.properties") Path config;
    @Option(names = "--routes", defaultValue = "routes") Path routes;
    @Option(names = "--verbose", description = "Keep the application's INFO log (default: warnings only).") boolean verbose;

    @Override
    public Integer call() throws Exception {
        Set<String> parts = new LinkedHashSet<>(only == null || only.isEmpty() ? PipelineHarness.PARTS : only);
        for (String p : parts) {
            if (!PipelineHarness.PARTS.contains(p)) {
                throw new UserError("--only: unknown part '" + p + "'; choose from " + String.join(",", PipelineHarness.PARTS));
            }
        }
        for (String m : models) {
            if (!m.equals("sample") && !m.equals("resnet50")) throw new UserError("--models: unknown model '" + m + "'; choose from sample,resnet50");
        }
        if (threads != null && threads < 1) throw new UserError("--threads must be 1 or more");
        if (batches != null && java.util.Arrays.stream(batches).anyMatch(b -> b < 1 || b > 1024)) throw new UserError("--batch sizes must be between 1 and 1024");
        if (timeouts != null && java.util.Arrays.stream(timeouts).anyMatch(t -> t < 1)) throw new UserError("--timeouts must be 1 ms or more");
        if (cameras != null && java.util.Arrays.stream(cameras).anyMatch(c -> c < 1 || c > 64)) throw new UserError("--cameras counts must be between 1 and 64");
        if (!java.nio.file.Files.isDirectory(routes)) throw new UserError("routes directory " + routes.toAbsolutePath() + " does not exist (--routes)");
        List<String> cmd = new ArrayList<>(List.of("edgesight", "bench", "pipeline"));
        if (quick) cmd.add("--quick");
        cmd.add("--only=" + String.join(",", parts));
        cmd.add("--models=" + String.join(",", models));
        if (threads != null) cmd.add("--threads=" + threads);
        if (batches != null) cmd.add("--batch=" + join(batches));
        if (timeouts != null) cmd.add("--timeouts=" + String.join(",", java.util.Arrays.stream(timeouts).mapToObj(Long::toString).toList()));
        if (cameras != null) cmd.add("--cameras=" + join(cameras));
        PipelineHarness.run(new PipelineHarness.Options(config, routes, out, quick, parts, List.copyOf(new LinkedHashSet<>(models)),
                resnet50, threads, batches, timeouts, cameras, verbose, String.join(" ", cmd)), System.out);
        return 0;
    }

    private static String join(int[] v) {
        return String.join(",", java.util.Arrays.stream(v).mapToObj(Integer::toString).toList());
    }
}
