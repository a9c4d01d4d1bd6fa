package io.edgesight.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.edgesight.app.EdgesightApp;
import io.edgesight.config.UserError;
import io.edgesight.tooling.SampleModelTrainer;
import io.edgesight.sample.SampleVideo;
import io.edgesight.sample.SampleVideoGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line: {@code run} (default), {@code sample train}, {@code sample video}, {@code bench}, {@code model import}. */
@Command(name = "edgesight", mixinStandardHelpOptions = true, version = "edgesight 0.1.0",
        description = "Camera frames -> batches -> TensorFlow Java -> MQTT, files and HTTP.",
        subcommands = {EdgesightCli.Run.class, EdgesightCli.Sample.class, BenchCommand.class, EngineCommand.class,
                ModelCommand.class, OnnxCommand.class})
public final class EdgesightCli implements Callable<Integer> {

    /** Exit code of a user error (bad config, missing model, ...). */
    public static final int USER_ERROR = 2;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code; user errors become one line on stderr. */
    public static int execute(String... args) {
        String[] effective = args.length == 0 || args[0].startsWith("--") && !isHelp(args[0])
                ? prepend("run", args) : args;
        CommandLine cl = new CommandLine(new EdgesightCli());
        withHelp(cl);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            UserError u = UserError.find(ex);
            if (u != null) {
                System.err.println("edgesight: " + u.getMessage().replace("\n", "\nedgesight: "));
                return USER_ERROR;
            }
            throw ex;
        });
        return cl.execute(effective);
    }

    /** Every command and subcommand answers --help (and -h) with its usage and exit code 0. */
    private static void withHelp(CommandLine cl) {
        if (cl.getCommandSpec().optionsMap().get("--help") == null) cl.getCommandSpec().mixinStandardHelpOptions(true);
        cl.getSubcommands().values().forEach(EdgesightCli::withHelp);
    }

    private static boolean isHelp(String a) {
        return a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V");
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    @Override
    public Integer call() {
        return execute(prepend("run", new String[0]));
    }

    @Command(name = "run", description = "Run the YAML routes (the default command).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", defaultValue = "config/application.properties", description = "Configuration file (default: ${DEFAULT-VALUE}).")
        Path config;
        @Option(names = "--routes", defaultValue = "routes", description = "Directory of YAML routes (default: ${DEFAULT-VALUE}).")
        Path routes;
        @Option(names = "--max-frames", defaultValue = "0", description = "Stop each camera after N frames, then exit once all are published.")
        long maxFrames;
        @Option(names = "--duration", defaultValue = "0", description = "Stop after this many seconds.")
        long duration;
        @Option(names = "--set", description = "Override a configuration key: --set key=value (repeatable).")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            if (maxFrames < 0) throw new UserError("--max-frames must be 0 (no limit) or more");
            if (duration < 0) throw new UserError("--duration must be 0 (no limit) or more");
            return new EdgesightApp(new EdgesightApp.Options(config, routes, maxFrames, duration, overrides)).run();
        }
    }

    @Command(name = "sample", description = "Regenerate the embedded sample.", subcommands = {Sample.Train.class, Sample.Video.class})
    static final class Sample implements Callable<Integer> {
        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return 0;
        }

        @Command(name = "train", description = "Train the sample shapes classifier with TensorFlow Java and export it as a SavedModel.")
        static final class Train implements Callable<Integer> {
            @Option(names = "--out", defaultValue = "samples/models/shapes") Path out;
            @Option(names = "--steps", defaultValue = "600") int steps;
            @Option(names = "--seed", defaultValue = "42") long seed;

            @Override
            public Integer call() throws Exception {
                System.out.println(SampleModelTrainer.train(out, seed, steps));
                return 0;
            }
        }

        @Command(name = "video", description = "Write the sample video and its per-frame ground truth.")
        static final class Video implements Callable<Integer> {
            @Option(names = "--out", defaultValue = "samples/generated/shapes.mp4") Path out;
            @Option(names = "--frames", defaultValue = "300") int frames;
            @Option(names = "--seed", defaultValue = "7") long seed;

            @Override
            public Integer call() throws Exception {
                SampleVideoGenerator.generate(out, SampleVideo.groundTruthFor(out), frames, 25, seed);
                System.out.println("wrote " + out + " and " + SampleVideo.groundTruthFor(out));
                return 0;
            }
        }
    }
}
