package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the {@link EngineCache} needs from a runtime to build, fingerprint and load engines: TensorFlow Java for
 * SavedModel directories ({@link TfRuntime}), ONNX Runtime for {@code .onnx} files ({@link OrtRuntime}). The cache
 * itself (fingerprint, manifest, temp directory and rename, lock, verification) is the same for both.
 */
interface EngineRuntime {

    /** The runtime of a model ({@link Engines#select}). */
    static EngineRuntime of(ModelSpec spec, EngineOptions options) {
        return switch (Engines.select(spec, options)) {
            case TfEngine.RUNTIME -> {
                Engines.requireTensorFlow(spec);
                yield new TfRuntime(options);
            }
            case TrtEngine.RUNTIME -> new TrtRuntime(options);
            default -> new OrtRuntime(options);
        };
    }

    /** "tensorflow", "onnxruntime" or "tensorrt". */
    String name();

    /** Folder inside the engine directory that holds the engine's model files. */
    String modelDir();

    /** A user-facing error unless the spec's path is a model this runtime can read. */
    void checkModel(ModelSpec spec);

    /** sha256 over the model's files. */
    String hashModel(ModelSpec spec);

    /** Applies the TensorRT policy: whether this engine is built with TensorRT. */
    boolean tensorRt(EngineOptions.TensorRtPolicy policy);

    /** The options that change the built engine (fingerprint and manifest). */
    Map<String, Object> options(ModelSpec spec, boolean trt);

    /** Runtime identity for the fingerprint, e.g. "tensorflow=2.18.0". */
    String versionLine();

    /** The manifest's runtime section: its key and content. */
    Map.Entry<String, Object> manifestSection(boolean trt);

    /** "CPU", "CUDA" or "TensorRT": what the engine runs on. */
    String device(boolean trt);

    /** Writes the engine's model files into {@code target} (a copy, or the runtime's optimised model). */
    void install(ModelSpec spec, Path target, boolean trt, long t0) throws IOException;

    /** Loads the engine from the model files in {@code target}. */
    Engine load(ModelSpec spec, Path target, boolean trt);

    /**
     * Checks a freshly built, warmed-up engine (TF-TRT: the segments that really ran) and returns the manifest's
     * {@code tensorrt} section.
     */
    Map<String, Object> check(Engine engine, boolean trt, long t0);

    /** Files under {@link #modelDir()} the runtime itself updates (TensorRT caches): not verified by hash. */
    default boolean verified(String relativePath) {
        return true;
    }
}
