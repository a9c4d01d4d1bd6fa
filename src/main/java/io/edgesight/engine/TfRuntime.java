package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;

/** TensorFlow Java engines: a copy of the SavedModel, loaded with the engine's session config (TF-TRT when used). */
final class TfRuntime implements EngineRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(TfRuntime.class);
    static final String MODEL_DIR = "saved_model";

    private final EngineOptions options;

    TfRuntime(EngineOptions options) {
        this.options = options;
    }

    @Override public String name() { return TfEngine.RUNTIME; }
    @Override public String modelDir() { return MODEL_DIR; }

    @Override
    public void checkModel(ModelSpec spec) {
        TfEngine.checkModelDir(spec);
    }

    @Override
    public String hashModel(ModelSpec spec) {
        return EngineCache.hashTree(spec.path());
    }

    @Override
    public boolean tensorRt(EngineOptions.TensorRtPolicy policy) {
        return TensorRt.decide(policy, TensorRt.available());
    }

    @Override
    public Map<String, Object> options(ModelSpec spec, boolean trt) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("tensorrtPolicy", options.tensorrt().name());
        o.put("interOpThreads", options.interOpThreads());
        o.put("xla", options.xla());
        if (trt) {
            o.put("maxWorkspaceBytes", options.maxWorkspaceBytes());
            o.put("minimumSegmentSize", options.minimumSegmentSize());
            o.put("maximumCachedEngines", options.maximumCachedEngines());
            o.put("isDynamicOp", options.dynamicOp());
            o.put("allowBuildAtRuntime", options.allowBuildAtRuntime());
            o.put("gpuMemoryLimitMb", options.gpuMemoryLimitMb());
            o.put("gpuAllowGrowth", options.gpuAllowGrowth());
        }
        return o;
    }

    @Override
    public String versionLine() {
        return "tensorflow=" + TensorFlow.version();
    }

    @Override
    public Map.Entry<String, Object> manifestSection(boolean trt) {
        return Map.entry("tensorflow", Map.of("version", TensorFlow.version(), "platform", EngineCache.platform(),
                "tensorrtOps", TensorRt.available()));
    }

    @Override
    public String device(boolean trt) {
        return "CPU";
    }

    @Override
    public void install(ModelSpec spec, Path target, boolean trt, long t0) throws IOException {
        EngineCache.copyTree(spec.path(), target);
    }

    @Override
    public Engine load(ModelSpec spec, Path target, boolean trt) {
        return TfEngine.load(spec, target, config(spec, trt));
    }

    private ConfigProto config(ModelSpec spec, boolean trt) {
        return TfConfig.build(spec.threads(), spec.precision(), options, trt);
    }

    @Override
    public Map<String, Object> check(Engine engine, boolean trt, long t0) {
        int segments = -1;
        if (trt) {
            EngineCache.stage(engine.spec().id(), "counting TensorRT segments", t0);
            TfEngine tf = (TfEngine) engine;
            try (TfEngine.TfBatch t = (TfEngine.TfBatch) EngineCache.checkInput(tf)) {
                segments = tf.countTrtSegments(t.tensor());
            }
            if (segments == 0) {
                String msg = "engine '" + engine.spec().id() + "': the TF-TRT build converted no segment (no TRTEngineOp ran): the"
                        + " model runs as native TensorFlow. Check the log for TF-TRT warnings such as out-of-memory"
                        + " (lower edgesight.engine.trt.max-workspace-bytes) or unsupported ops.";
                if (options.tensorrt() == EngineOptions.TensorRtPolicy.required) throw new EngineException(msg);
                LOG.warn(msg);
            }
        }
        return Map.of("used", trt, "segments", segments);
    }
}
