package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;

/** The ConfigProto that TF-TRT settings produce, field by field, and the seed's pitfalls refused up front. */
class TfConfigTest {

    static EngineOptions options(Map<String, String> m) {
        return EngineOptions.from(new Settings(m::get));
    }

    @Test
    void tensorRtSettingsBecomeTheTensorRtOptimizerWithTheSeedsParameters() {
        EngineOptions o = options(Map.of(
                "edgesight.engine.trt.max-workspace-bytes", "1073741824",
                "edgesight.engine.trt.minimum-segment-size", "5",
                "edgesight.engine.trt.maximum-cached-engines", "10",
                "edgesight.engine.trt.is-dynamic-op", "false",
                "edgesight.engine.trt.allow-build-at-runtime", "false",
                "edgesight.engine.gpu.memory-limit-mb", "2048",
                "edgesight.engine.gpu.allow-growth", "true",
                "edgesight.engine.inter-op-threads", "2"));
        ConfigProto c = TfConfig.build(4, Precision.FP16, o, true);
        assertThat(c.getIntraOpParallelismThreads()).isEqualTo(4);
        assertThat(c.getInterOpParallelismThreads()).isEqualTo(2);
        assertThat(c.getGpuOptions().getAllowGrowth()).isTrue();
        assertThat(c.getGpuOptions().getExperimental().getVirtualDevices(0).getMemoryLimitMb(0)).isEqualTo(2048f);
        RewriterConfig rw = c.getGraphOptions().getRewriteOptions();
        assertThat(rw.getMetaOptimizerIterations()).isEqualTo(RewriterConfig.NumIterationsType.ONE);
        assertThat(rw.getCustomOptimizersCount()).isEqualTo(1);
        RewriterConfig.CustomGraphOptimizer trt = rw.getCustomOptimizers(0);
        assertThat(trt.getName()).isEqualTo("TensorRTOptimizer");
        var p = trt.getParameterMapMap();
        assertThat(p.get("precision_mode").getS().toStringUtf8()).isEqualTo("FP16");
        assertThat(p.get("max_workspace_size_bytes").getI()).isEqualTo(1L << 30);
        assertThat(p.get("maximum_cached_engines").getI()).isEqualTo(10);
        assertThat(p.get("minimum_segment_size").getI()).isEqualTo(5);
        assertThat(p.get("is_dynamic_op").getB()).isFalse();
        assertThat(p.get("allow_build_at_runtime").getB()).isFalse();
        assertThat(p.get("use_calibration").getB()).isFalse();
        assertThat(TfConfig.build(1, Precision.INT8, o, true).getGraphOptions().getRewriteOptions()
                .getCustomOptimizers(0).getParameterMapMap().get("use_calibration").getB()).isTrue();
    }

    @Test
    void withoutTensorRtThereIsNoCustomOptimizerAndXlaIsAnOption() {
        EngineOptions o = options(Map.of("edgesight.engine.xla", "true"));
        ConfigProto c = TfConfig.build(2, Precision.FP32, o, false);
        assertThat(c.getGraphOptions().getRewriteOptions().getCustomOptimizersCount()).isZero();
        assertThat(c.getGraphOptions().getOptimizerOptions().getGlobalJitLevel()).isEqualTo(OptimizerOptions.GlobalJitLevel.ON_1);
        assertThat(TfConfig.build(2, Precision.FP32, options(Map.of()), false).getGraphOptions().getOptimizerOptions()
                .getGlobalJitLevel()).isEqualTo(OptimizerOptions.GlobalJitLevel.DEFAULT);
    }

    @Test
    void aWorkspaceNotBelowTheMemoryLimitIsRejectedBeforeAnyBuild() {
        assertThatThrownBy(() -> options(Map.of("edgesight.engine.trt.max-workspace-bytes", "4294967296",
                "edgesight.engine.gpu.memory-limit-mb", "2048")))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("edgesight.engine.trt.max-workspace-bytes (4294967296 bytes = 4096 MB) must be below edgesight.engine.gpu.memory-limit-mb (2048 MB)");
        assertThatThrownBy(() -> options(Map.of("edgesight.engine.trt.max-workspace-bytes", "2147483648",
                "edgesight.engine.gpu.memory-limit-mb", "2048"))).isInstanceOf(UserError.class);
    }

    @Test
    void thisMachinesTensorFlowHasNoTensorRtRequiredFailsAndAutoFallsBack() {
        assertThat(TensorRt.available()).as("TF Java 1.1.0 natives carry no TRTEngineOp").isFalse();
        assertThatThrownBy(() -> TensorRt.decide(EngineOptions.TensorRtPolicy.required, false))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("edgesight.engine.tensorrt=required")
                .hasMessageContaining("has no TensorRT")
                .hasMessageContaining("TRTEngineOp");
        assertThat(TensorRt.decide(EngineOptions.TensorRtPolicy.auto, false)).isFalse();
        assertThat(TensorRt.decide(EngineOptions.TensorRtPolicy.off, true)).isFalse();
        assertThat(TensorRt.decide(EngineOptions.TensorRtPolicy.auto, true)).isTrue();
    }

    @Test
    void trtSegmentsAreCountedInPartitionAndFunctionGraphs() {
        var node = org.tensorflow.proto.NodeDef.newBuilder();
        var g = org.tensorflow.proto.GraphDef.newBuilder()
                .addNode(node.clone().setName("TRTEngineOp_0_0").setOp("TRTEngineOp"))
                .addNode(node.clone().setName("conv").setOp("Conv2D"));
        var md = org.tensorflow.proto.RunMetadata.newBuilder().addPartitionGraphs(g)
                .addFunctionGraphs(org.tensorflow.proto.RunMetadata.FunctionGraphs.newBuilder().addPartitionGraphs(g)).build();
        assertThat(TensorRt.countSegments(md)).isEqualTo(2);
        assertThat(TensorRt.countSegments(org.tensorflow.proto.RunMetadata.getDefaultInstance())).isZero();
    }
}
