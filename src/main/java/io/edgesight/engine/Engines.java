package io.edgesight.engine;

import java.util.Locale;

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
        return isOnnx(spec) ? OrtEngine.load(spec) : TfEngine.load(spec);
    }
}
