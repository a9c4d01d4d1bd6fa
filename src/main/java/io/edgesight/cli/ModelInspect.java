package io.edgesight.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.Engine;
import io.edgesight.engine.EngineException;
import io.edgesight.engine.ModelSpec;
import io.edgesight.engine.OrtEngine;
import io.edgesight.engine.Outputs;
import io.edgesight.engine.TfEngine;
import io.edgesight.predict.Decoder;
import io.edgesight.predict.Decoders;
import io.edgesight.predict.DetectionLayout;
import io.edgesight.predict.ModelDescriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code model inspect}: loads a model as the pipeline would (a SavedModel directory in TensorFlow, an .onnx file in
 * ONNX Runtime), runs one all-zero batch, and prints its input, every output as that run returned it, and the
 * decoder edgesight would build: the configured one, else the detection layout the output shapes imply.
 */
@Command(name = "inspect", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Load a model (SavedModel directory or .onnx file), run one zero batch and print its input, its outputs "
                + "and the decoder edgesight would pick (for detectors: the layout inferred from the output shapes, or why none fits).",
                "Keys next to the model (model.yaml, edgesight-model.properties) are read as the pipeline reads them."})
final class ModelInspect implements Callable<Integer> {
    static final String ID = "inspect";

    @Parameters(index = "0", paramLabel = "MODEL", description = "SavedModel directory or ONNX file")
    Path model;
    @Option(names = "--decoder", description = "classification | detection | raw (default: the descriptor's task, else both are tried)")
    String decoder;
    @Option(names = "--labels", paramLabel = "FILE", description = "Labels, one per line (fixes the number of classes for YOLO layouts)")
    Path labels;
    @Option(names = "--box-format", description = "detection: auto (default) or a layout (docs/MODELS.md)")
    String boxFormat;
    @Option(names = "--output", description = "Primary output (default: the first by name)")
    String output;
    @Option(names = "--batch-size", defaultValue = "1", description = "Batch size to load the model for (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any other model key without its prefix, e.g. --set normalize=raw (repeatable)")
    List<String> sets = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        if (!Files.exists(model)) throw new UserError("model " + model + " does not exist");
        String p = ModelSpec.PREFIX + ID + ".";
        Map<String, String> keys = new HashMap<>();
        keys.put(p + "path", model.toString());
        keys.put(p + "batch-size", Integer.toString(batchSize));
        if (labels != null) keys.put(p + "labels", labels.toString());
        if (boxFormat != null) keys.put(p + "box-format", boxFormat);
        if (output != null) keys.put(p + "output", output);
        for (String kv : sets) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new UserError("--set takes KEY=VALUE, got '" + kv + "'");
            keys.put(p + kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        ModelSpec spec = ModelSpec.from(ID, new Settings(ModelDescriptor.overlay(keys::get)));
        Engine engine;
        try {
            engine = load(spec);
        } catch (EngineException e) {
            // uint8 models take raw pixels: inspecting should not stop at the normalisation default
            if (!e.getMessage().contains("takes uint8 pixels") || keys.containsKey(p + "normalize")) throw e;
            keys.put(p + "normalize", "raw");
            engine = load(ModelSpec.from(ID, new Settings(ModelDescriptor.overlay(keys::get))));
        }
        try (Engine e = engine) {
            e.warmUp();
            System.out.printf("model:   %s (%s)%n", model, e.runtime());
            System.out.printf("input:   %s %s%n", e.inputName(), e);
            System.out.println("outputs (as a zero batch returned them):");
            for (Outputs.Info o : e.outputs()) {
                System.out.printf("  %s%s%n", o, o.name().equals(e.outputName()) ? "   <- primary" : "");
            }
            Settings s = new Settings(ModelDescriptor.overlay(keys::get));
            String configured = decoder != null ? decoder : s.configured(p + "decoder");
            List<String> tries = configured != null ? List.of(configured) : List.of("detection", "classification");
            for (String d : tries) {
                keys.put(p + "decoder", d);
                Settings ds = new Settings(ModelDescriptor.overlay(keys::get));
                try {
                    Decoder dec = Decoders.create(ds, e.spec(), e.outputName(), e.outputs(), e.width(), e.height());
                    System.out.println("decoder: " + describe(dec));
                    return 0;
                } catch (UserError u) {
                    System.out.println("decoder " + d + " does not fit: " + u.getMessage());
                }
            }
            System.out.println("decoder: raw (reports the output tensors; set the keys above to decode them)");
            return 0;
        }
    }

    private static Engine load(ModelSpec spec) {
        return Files.isDirectory(spec.path()) ? TfEngine.load(spec) : OrtEngine.load(spec);
    }

    private static String describe(Decoder d) {
        DetectionLayout l = Decoders.layoutOf(d);
        return l == null ? d.name() : "detection, layout " + l.describe();
    }
}
