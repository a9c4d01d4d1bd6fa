package io.edgesight.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.edgesight.bench.ResNet50Generator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code model}: make SavedModels for edgesight. Each way of making one is a subcommand. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Generate models.", subcommands = {ModelCommand.ResNet50.class})
public final class ModelCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    @Command(name = "resnet50", mixinStandardHelpOptions = true, description = "Write a ResNet-50 benchmark model (Keras ResNet50 layers, random weights) "
            + "as a frozen SavedModel: input input_1 [-1,224,224,3] float32 (caffe normalisation, BGR), "
            + "output predictions [-1,1000] probabilities.")
    static final class ResNet50 implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "models/resnet50", description = "Model directory, replaced (default: ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--v1.5", description = "ResNet-50 v1.5: stride 2 on the 3x3 conv of a stage's first block, not on the 1x1 (Keras).")
        boolean v15;

        @Override
        public Integer call() throws Exception {
            System.out.println("wrote " + ResNet50Generator.generate(out, seed, v15));
            return 0;
        }
    }
}
