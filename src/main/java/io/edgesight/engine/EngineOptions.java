package io.edgesight.engine;

import java.util.Locale;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;

/**
 * How engines are built on this machine ({@code edgesight.engine.*}): the cache directory, the TensorRT
 * policy, the seed's TF-TRT conversion parameters, GPU memory and CPU settings. One value per deployment.
 */
public record EngineOptions(java.nio.file.Path dir, TensorRtPolicy tensorrt, long maxWorkspaceBytes, int minimumSegmentSize,
                            int maximumCachedEngines, boolean dynamicOp, boolean allowBuildAtRuntime,
                            int gpuMemoryLimitMb, boolean gpuAllowGrowth, int interOpThreads, boolean xla,
                            OnnxOptimization onnxOptimization, boolean onnxAllowSpinning) {

    /** ONNX Runtime graph optimisation level of an engine build (ORT's GraphOptimizationLevel). */
    public enum OnnxOptimization {
        /** No graph optimisation. */
        off,
        /** Constant folding, redundant node removal, semantics-preserving fusions (provider-independent). */
        basic,
        /** basic plus complex fusions (GELU, attention, ...) for the CPU/CUDA providers. */
        extended,
        /** extended plus layout optimisations (NCHWc on CPU): the fastest, specific to this machine's CPU. */
        all
    }

    public enum TensorRtPolicy {
        /** Use TF-TRT when the native library has it, else warn once and run native TensorFlow. */
        auto,
        /** Fail start-up unless TF-TRT is available and actually converts segments. */
        required,
        /** Never ask for TF-TRT. */
        off
    }

    public static final String PREFIX = "edgesight.engine.";

    public static EngineOptions from(Settings s) {
        String policy = s.string(PREFIX + "tensorrt").toLowerCase(Locale.ROOT);
        TensorRtPolicy p;
        try {
            p = TensorRtPolicy.valueOf(policy);
        } catch (IllegalArgumentException e) {
            throw new UserError(PREFIX + "tensorrt must be auto, required or off, got '" + policy + "'");
        }
        EngineOptions o = new EngineOptions(java.nio.file.Path.of(s.string(PREFIX + "dir")), p,
                s.longInteger(PREFIX + "trt.max-workspace-bytes"),
                s.integer(PREFIX + "trt.minimum-segment-size"),
                s.integer(PREFIX + "trt.maximum-cached-engines"),
                s.bool(PREFIX + "trt.is-dynamic-op"),
                s.bool(PREFIX + "trt.allow-build-at-runtime"),
                s.integer(PREFIX + "gpu.memory-limit-mb"),
                s.bool(PREFIX + "gpu.allow-growth"),
                s.integer(PREFIX + "inter-op-threads"),
                s.bool(PREFIX + "xla"),
                onnxOptimization(s.string(PREFIX + "onnx.optimization-level")),
                s.bool(PREFIX + "onnx.allow-spinning"));
        o.validate();
        return o;
    }

    /** Every option at its default (ConfigKeys). */
    public static EngineOptions defaults() {
        return from(new Settings(key -> null));
    }

    private static OnnxOptimization onnxOptimization(String v) {
        try {
            return OnnxOptimization.valueOf(v.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError(PREFIX + "onnx.optimization-level must be off, basic, extended or all, got '" + v + "'");
        }
    }

    /**
     * The seed's out-of-memory pitfall: a TensorRT workspace that does not fit below the GPU memory limit makes
     * every engine build fail and TF-TRT silently fall back to native segments.
     */
    public void validate() {
        if (maxWorkspaceBytes <= 0) throw new UserError(PREFIX + "trt.max-workspace-bytes must be > 0");
        if (gpuMemoryLimitMb > 0 && maxWorkspaceBytes >= (long) gpuMemoryLimitMb << 20) {
            throw new UserError(PREFIX + "trt.max-workspace-bytes (" + maxWorkspaceBytes + " bytes = "
                    + (maxWorkspaceBytes >> 20) + " MB) must be below " + PREFIX + "gpu.memory-limit-mb (" + gpuMemoryLimitMb
                    + " MB): TensorRT could not allocate its workspace and every engine would silently fall back to"
                    + " native TensorFlow. Lower the workspace (e.g. 1073741824 for 1 GB) or raise the limit.");
        }
    }
}
