package io.edgesight.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.edgesight.config.UserError;
import io.edgesight.bench.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench soak}: memory, threads, descriptors and children over a long full-speed run (docs/BENCHMARKS.md). */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the pipeline at full speed, looping, and sample RSS, Java heap after GC, threads, open file "
                + "descriptors and child processes every few seconds. After a 20 %% warm-up, RSS and heap must stay within "
                + "±5 %% (no growing trend) and the counts must not step up. Exit code 0 when flat, 1 when something grows "
                + "(with --leak: 0 when the leak is caught, 1 when it is not). Writes soak.json and soak-rss.png "
                + "(soak-leak.* with --leak) to --out.")
final class BenchSoakCommand implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "10", description = "Length of the run (default: ${DEFAULT-VALUE}).")
    double minutes;
    @Option(names = "--cameras", defaultValue = "1", description = "Cameras looping the sample video into one batcher (default: ${DEFAULT-VALUE}).")
    int cameras;
    @Option(names = "--leak", description = "Deliberately leaking variant to check the measurement: 'tensors' (one input-row tensor per batch never closed).")
    String leak;
    @Option(names = "--interval-seconds", defaultValue = "5", description = "Seconds between samples (default: ${DEFAULT-VALUE}).")
    double interval;
    @Option(names = "--batch", description = "Batch size (default: the configured one).") Integer batch;
    @Option(names = "--out", defaultValue = "target/bench", description = "Directory for the JSON and PNG (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--config", defaultValue = "config/application.properties") Path config;
    @Option(names = "--routes", defaultValue = "routes") Path routes;
    @Option(names = "--verbose", description = "Keep the application's INFO log (default: warnings only).") boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (!(minutes > 0)) throw new UserError("--minutes must be more than 0");
        if (cameras < 1 || cameras > 64) throw new UserError("--cameras must be between 1 and 64");
        if (!(interval >= 0.5)) throw new UserError("--interval-seconds must be 0.5 or more");
        if (minutes * 60 < interval * 5) throw new UserError("--minutes is too short for 5 samples at --interval-seconds " + interval);
        if (leak != null && !leak.equals("tensors")) throw new UserError("--leak: unknown variant '" + leak + "'; the one variant is 'tensors'");
        if (batch != null && batch < 1) throw new UserError("--batch must be 1 or more");
        if (!java.nio.file.Files.isDirectory(routes)) throw new UserError("routes directory " + routes.toAbsolutePath() + " does not exist (--routes)");
        var doc = Soak.run(new Soak.Options(config, routes, out, minutes, cameras, leak != null, interval, batch, verbose), System.out);
        boolean growing = "GROWING".equals(doc.get("verdict"));
        return growing == (leak != null) ? 0 : 1;
    }
}
