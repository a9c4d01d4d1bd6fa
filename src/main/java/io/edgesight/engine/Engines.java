package io.edgesight.engine;

import java.util.Locale;

import io.edgesight.config.UserError;
import io.edgesight.platform.JarTarget;

/** Which runtime runs a model, and loading one without the engine cache (benchmarks, tests, tools). */
public final class Engines {
    private Engines() {}

    /** A model path ending in {@code .onnx} is an ONNX model; anything else is a TensorFlow SavedModel directory. */
    public static boolean isOnnx(ModelSpec spec) {
        java.nio.file.Path name = spec.path().getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /**
     * The runtime a model runs on: {@code edgesight.models.<id>.runtime} when set; with {@code auto}, a SavedModel
     * runs on TensorFlow and an ONNX model on TensorRT when it can run here (and {@code edgesight.engine.tensorrt} is
     * not {@code off}), else on ONNX Runtime. Contradictions are user errors.
     */
    public static String select(ModelSpec spec, EngineOptions options) {
        String key = ModelSpec.PREFIX + spec.id() + ".runtime";
        boolean onnx = isOnnx(spec);
        switch (spec.runtime()) {
            case TfEngine.RUNTIME:
                if (onnx) throw new EngineException(key + "=tensorflow, but " + spec.path() + " is an ONNX model; set " + key + "=onnxruntime or tensorrt");
                return TfEngine.RUNTIME;
            case OrtEngine.RUNTIME:
                if (!onnx) throw new EngineException(key + "=onnxruntime, but " + spec.path() + " is not a .onnx file; set " + key + "=tensorflow for a SavedModel");
                return OrtEngine.RUNTIME;
            case TrtEngine.RUNTIME:
                if (options.tensorrt() == EngineOptions.TensorRtPolicy.off) {
                    throw new EngineException(key + "=tensorrt contradicts edgesight.engine.tensorrt=off; remove one of them");
                }
                TrtRuntime.checkSpec(spec);
                return TrtEngine.RUNTIME;
            default:
                if (!onnx) return TfEngine.RUNTIME;
                if (options.tensorrt() != EngineOptions.TensorRtPolicy.off && spec.precision() != Precision.INT8
                        && TrtLibrary.status().available()) {
                    return TrtEngine.RUNTIME;
                }
                return OrtEngine.RUNTIME;
        }
    }

    /** "onnxruntime", "tensorflow" or "tensorrt", with the default engine options. */
    public static String runtimeOf(ModelSpec spec) {
        return select(spec, EngineOptions.defaults());
    }

    /**
     * Loads the model with default settings in the runtime it selects: TensorFlow and ONNX Runtime straight from the
     * model's path on the CPU; TensorRT through the engine cache in {@code engines/} (a plan must be built first).
     */
    public static Engine load(ModelSpec spec) {
        return switch (runtimeOf(spec)) {
            case TfEngine.RUNTIME -> {
                requireTensorFlow(spec);
                yield TfEngine.load(spec);
            }
            case TrtEngine.RUNTIME -> new EngineCache(EngineOptions.defaults()).prepare(spec).engine();
            default -> OrtEngine.load(spec);
        };
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
