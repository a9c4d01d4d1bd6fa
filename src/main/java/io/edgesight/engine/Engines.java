package io.edgesight.engine;

import java.util.Locale;

import io.edgesight.app.UserError;
import io.edgesight.platform.JarTarget;

/** Which runtime runs a model, and loading one without the engine cache (benchmarks, tests, tools). */
public final class Engines {
    private Engines() {}

    /** A model path ending in {@code .onnx} selects ONNX Runtime; anything else is a TensorFlow SavedModel directory. */
    public static boolean isOnnx(ModelSpec spec) {
        java.nio.file.Path name = spec.path().getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /** "onnxruntime" or "tensorflow". */
    public static String runtimeOf(ModelSpec spec) {
        return isOnnx(spec) ? OrtEngine.RUNTIME : TfEngine.RUNTIME;
    }

    /** Loads the model straight from its path with default CPU settings, in the runtime its path selects. */
    public static Engine load(ModelSpec spec) {
        if (isOnnx(spec)) return OrtEngine.load(spec);
        requireTensorFlow(spec);
        return TfEngine.load(spec);
    }

    /** A one-line user error when this jar cannot run the model's runtime (checked at start-up, before Camel starts). */
    public static void requireRuntime(ModelSpec spec) {
        if (!isOnnx(spec)) requireTensorFlow(spec);
    }

    /**
     * Refuses a SavedModel in a jar built without TensorFlow (JetPack 4 and 5, where TensorFlow Java's natives
     * cannot load), before any TensorFlow class is touched.
     */
    static void requireTensorFlow(ModelSpec spec) {
        requireTensorFlow(spec, JarTarget.current().orElse(null));
    }

    static void requireTensorFlow(ModelSpec spec, JarTarget target) {
        if (target != null && !target.tensorflow()) throw new UserError(noTensorFlow(spec, target));
    }

    /** The one line of {@link #requireTensorFlow}. */
    static String noTensorFlow(ModelSpec spec, JarTarget target) {
        return "model '" + spec.id() + "': " + spec.path() + " is a TensorFlow SavedModel, but this jar (" + target.name()
                + ") has no TensorFlow: TensorFlow Java does not load on " + target.description() + ". Use an ONNX model"
                + " there: convert it (e.g. python -m tf2onnx.convert --saved-model " + spec.path() + " --output model.onnx)"
                + " and set " + ModelSpec.PREFIX + spec.id() + ".path to the .onnx file (docs/JETSON.md)";
    }
}
