package io.edgesight.engine;

import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * The TensorFlow session configuration of an engine: CPU threads, XLA, GPU memory as in the seed (a per-process
 * limit and allow-growth) and, when TF-TRT is wanted, the {@code TensorRTOptimizer} custom graph optimizer with
 * the seed's conversion parameters (names as TF-TRT's trt_optimization_pass reads them).
 */
public final class TfConfig {
    public static final String TRT_OPTIMIZER = "TensorRTOptimizer";

    private TfConfig() {}

    public static ConfigProto build(int intraOpThreads, Precision precision, EngineOptions o, boolean withTensorRt) {
        ConfigProto.Builder c = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(o.interOpThreads())
                .setAllowSoftPlacement(true);
        GPUOptions.Builder gpu = GPUOptions.newBuilder().setAllowGrowth(o.gpuAllowGrowth());
        if (o.gpuMemoryLimitMb() > 0) {
            gpu.setExperimental(GPUOptions.Experimental.newBuilder().addVirtualDevices(
                    GPUOptions.Experimental.VirtualDevices.newBuilder().addMemoryLimitMb(o.gpuMemoryLimitMb())));
        }
        c.setGpuOptions(gpu);
        GraphOptions.Builder graph = GraphOptions.newBuilder();
        if (o.xla()) {
            graph.setOptimizerOptions(OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1));
        }
        if (withTensorRt) {
            RewriterConfig.CustomGraphOptimizer.Builder trt = RewriterConfig.CustomGraphOptimizer.newBuilder()
                    .setName(TRT_OPTIMIZER)
                    .putParameterMap("precision_mode", AttrValue.newBuilder().setS(
                            com.google.protobuf.ByteString.copyFromUtf8(precision.name())).build())
                    .putParameterMap("max_workspace_size_bytes", AttrValue.newBuilder().setI(o.maxWorkspaceBytes()).build())
                    .putParameterMap("maximum_cached_engines", AttrValue.newBuilder().setI(o.maximumCachedEngines()).build())
                    .putParameterMap("minimum_segment_size", AttrValue.newBuilder().setI(o.minimumSegmentSize()).build())
                    .putParameterMap("is_dynamic_op", AttrValue.newBuilder().setB(o.dynamicOp()).build())
                    .putParameterMap("allow_build_at_runtime", AttrValue.newBuilder().setB(o.allowBuildAtRuntime()).build())
                    .putParameterMap("use_calibration", AttrValue.newBuilder().setB(precision == Precision.INT8).build());
            graph.setRewriteOptions(RewriterConfig.newBuilder()
                    .setMetaOptimizerIterations(RewriterConfig.NumIterationsType.ONE)
                    .addCustomOptimizers(trt));
        }
        c.setGraphOptions(graph);
        return c.build();
    }
}
