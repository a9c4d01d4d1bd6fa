package io.edgesight.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.edgesight.config.UserError;
import io.edgesight.tooling.ColourClassifier;
import io.edgesight.tooling.ResNetGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code onnx shapes|resnet50}: the ONNX models edgesight generates itself (tests, benchmarks). */
@Command(name = "onnx", description = "Write the ONNX models edgesight generates itself.",
        subcommands = {OnnxCommand.Shapes.class, OnnxCommand.ResNet50.class})
final class OnnxCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "shapes", description = "The sample's colour classifier with hand-set weights (NCHW, 64x64 RGB 0-1), and labels.txt beside it.")
    static final class Shapes implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "models/shapes-colour.onnx") Path out;

        @Override
        public Integer call() throws Exception {
            System.out.println("wrote " + ColourClassifier.write(out));
            return 0;
        }
    }

    @Command(name = "resnet50", description = "ResNet-50 v1.5 with seed-drawn weights, as <out>.onnx (NCHW) and, with"
            + " --savedmodel, the same weights as a TensorFlow SavedModel (NHWC): the runtime benchmark pair.")
    static final class ResNet50 implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "models/resnet50.onnx", description = "ONNX file (default: ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--savedmodel", description = "Also write the SavedModel here, e.g. models/resnet50-tf.")
        Path savedModel;
        @Option(names = "--seed", defaultValue = "42") long seed;
        @Option(names = "--batch", defaultValue = "0", description = "Fixed batch dimension (default 0: dynamic).")
        int batch;

        @Override
        public Integer call() throws Exception {
            if (!out.getFileName().toString().endsWith(".onnx")) throw new UserError("--out must end in .onnx, got " + out);
            ResNetGenerator.Config cfg = ResNetGenerator.Config.resnet50();
            long t0 = System.nanoTime();
            ResNetGenerator.writeOnnx(cfg, seed, batch, out);
            System.out.printf("wrote %s (%.1f s)%n", out, (System.nanoTime() - t0) / 1e9);
            if (savedModel != null) {
                t0 = System.nanoTime();
                ResNetGenerator.writeSavedModel(cfg, seed, batch, savedModel);
                System.out.printf("wrote %s (%.1f s)%n", savedModel, (System.nanoTime() - t0) / 1e9);
            }
            return 0;
        }
    }
}
