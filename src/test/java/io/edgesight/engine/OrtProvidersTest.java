package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OrtProvider;
import io.edgesight.config.Settings;
import org.junit.jupiter.api.Test;

/**
 * CUDA and TensorRT execution-provider options of ONNX Runtime engines, derived from the same keys as TF-TRT, checked
 * key by key without a GPU; and the TensorRT policy when the providers are (pretended to be) present or absent.
 */
class OrtProvidersTest {
    Map<String, String> conf = new HashMap<>(Map.of(
            "edgesight.models.m.path", "model.onnx",
            "edgesight.models.m.batch-size", "8",
            "edgesight.models.m.precision", "FP16",
            "edgesight.engine.trt.max-workspace-bytes", "536870912",
            "edgesight.engine.trt.minimum-segment-size", "5",
            "edgesight.engine.gpu.memory-limit-mb", "3072",
            "edgesight.engine.gpu.allow-growth", "true"));

    ModelSpec spec() { return ModelSpec.from("m", new Settings(conf::get)); }
    EngineOptions options() { return EngineOptions.from(new Settings(conf::get)); }

    @Test
    void tensorRtOptionsComeFromTheTfTrtKeysWithCachesInTheEngineDirectory() {
        Path cache = Path.of("/engines/m-b8-FP16-0123456789ab/onnx/trt-cache");
        Map<String, String> m = OrtRuntime.tensorRtOptions(spec(), options(), cache,
                new OrtRuntime.ProfileInput("image", new long[] {-1, 3, 224, 224}));
        assertThat(m).containsExactly(
                entry("device_id", "0"),
                entry("trt_max_workspace_size", "536870912"),
                entry("trt_fp16_enable", "1"),
                entry("trt_int8_enable", "0"),
                entry("trt_min_subgraph_size", "5"),
                entry("trt_engine_cache_enable", "1"),
                entry("trt_timing_cache_enable", "1"),
                entry("trt_engine_cache_path", cache.toString()),
                entry("trt_timing_cache_path", cache.toString()),
                entry("trt_profile_min_shapes", "image:1x3x224x224"),
                entry("trt_profile_opt_shapes", "image:8x3x224x224"),
                entry("trt_profile_max_shapes", "image:8x3x224x224"));

        conf.put("edgesight.models.m.precision", "INT8");
        Map<String, String> int8 = OrtRuntime.tensorRtOptions(spec(), options(), cache,
                new OrtRuntime.ProfileInput("input", new long[] {8, 224, 224, 3}));
        assertThat(int8).containsEntry("trt_int8_enable", "1").containsEntry("trt_fp16_enable", "1")
                .containsEntry("trt_profile_min_shapes", "input:8x224x224x3")
                .containsEntry("trt_profile_max_shapes", "input:8x224x224x3");

        conf.put("edgesight.models.m.precision", "FP32");
        Map<String, String> fp32 = OrtRuntime.tensorRtOptions(spec(), options(), null, null);
        assertThat(fp32).containsEntry("trt_fp16_enable", "0").containsEntry("trt_int8_enable", "0")
                .doesNotContainKeys("trt_engine_cache_path", "trt_profile_min_shapes");
    }

    @Test
    void cudaOptionsComeFromTheGpuMemoryKeys() {
        assertThat(OrtRuntime.cudaOptions(options())).containsExactly(
                entry("device_id", "0"),
                entry("gpu_mem_limit", Long.toString(3072L * 1024 * 1024)),
                entry("arena_extend_strategy", "kSameAsRequested"),
                entry("cudnn_conv_algo_search", "EXHAUSTIVE"),
                entry("do_copy_in_default_stream", "1"));
        conf.put("edgesight.engine.gpu.allow-growth", "false");
        conf.put("edgesight.engine.gpu.memory-limit-mb", "0");
        conf.put("edgesight.engine.trt.max-workspace-bytes", "1");
        assertThat(OrtRuntime.cudaOptions(options())).doesNotContainKey("gpu_mem_limit")
                .containsEntry("arena_extend_strategy", "kNextPowerOfTwo");
    }

    @Test
    void providersAndOptimisationLevelsFollowWhatTheRuntimeReports() {
        EngineOptions o = options();
        OrtRuntime cpu = new OrtRuntime(o, EnumSet.of(OrtProvider.CPU));
        assertThat(cpu.providers(false)).containsExactly("CPU");
        assertThat(cpu.device(false)).isEqualTo("CPU");
        assertThat(cpu.savedLevel(false)).isEqualTo(EngineOptions.OnnxOptimization.all);
        assertThat(cpu.loadLevel(false)).isEqualTo(EngineOptions.OnnxOptimization.off);

        OrtRuntime gpu = new OrtRuntime(o, EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.TENSOR_RT));
        assertThat(gpu.tensorRt(EngineOptions.TensorRtPolicy.required)).isTrue();
        assertThat(gpu.tensorRt(EngineOptions.TensorRtPolicy.off)).isFalse();
        assertThat(gpu.providers(true)).containsExactly("TensorRT", "CUDA", "CPU");
        assertThat(gpu.device(true)).isEqualTo("TensorRT");
        assertThat(gpu.device(false)).isEqualTo("CUDA");
        // the saved graph stays provider-independent; the providers' own optimisations run when it is loaded
        assertThat(gpu.savedLevel(true)).isEqualTo(EngineOptions.OnnxOptimization.basic);
        assertThat(gpu.loadLevel(true)).isEqualTo(EngineOptions.OnnxOptimization.all);
        Map<String, Object> options = gpu.options(spec(), true);
        assertThat(options.get("providers")).isEqualTo(List.of("TensorRT", "CUDA", "CPU"));
        assertThat(options).containsKeys("tensorrt", "cuda");

        assertThat(cpu.tensorRt(EngineOptions.TensorRtPolicy.auto)).isFalse();
        assertThatThrownBy(() -> cpu.tensorRt(EngineOptions.TensorRtPolicy.required)).isInstanceOf(EngineException.class)
                .hasMessageContaining("has no TensorRT execution provider");
    }
}
