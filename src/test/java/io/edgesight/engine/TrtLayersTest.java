package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The "did it silently fall back?" check on layer lists in the engine inspector's JSON form. */
class TrtLayersTest {

    static String layer(String name, String type, String outFormat, String tactic) {
        return "{\"Name\":\"" + name + "\",\"LayerType\":\"" + type + "\",\"Inputs\":[{\"Name\":\"in\",\"Location\":\"Device\","
                + "\"Dimensions\":[1,3,224,224],\"Format/Datatype\":\"Row major linear FP32\"}],\"Outputs\":[{\"Name\":\"out\","
                + "\"Location\":\"Device\",\"Dimensions\":[1,64,112,112],\"Format/Datatype\":\"" + outFormat + "\"}],"
                + "\"TacticName\":\"" + tactic + "\",\"StreamId\":0,\"Metadata\":\"\"}";
    }

    static final List<String> FP16_ENGINE = List.of(
            layer("Reformatting CopyNode for Input Tensor 0 to /conv1/Conv", "Reformat", "Channel major FP16 format where channel % 8 == 0", "0x0"),
            layer("/conv1/Conv + /relu/Relu", "CaskConvolution", "Channel major FP16 format where channel % 8 == 0", "sm90_xmma_fprop_implicit_gemm_f16f16"),
            layer("/pool/MaxPool", "CaskPooling", "Channel major FP16 format where channel % 8 == 0", "sm50_xmma_pooling_fw_4d_FP16FP32NHWC"),
            layer("/fc/Gemm", "CaskGemmConvolution", "Row major linear FP32", "sm90_xmma_gemm_f32f32_tf32f32"),
            layer("/softmax/Softmax", "CaskSoftMaxV2", "Row major linear FP32", "0x3e9"));

    static final List<String> FP32_ENGINE = List.of(
            layer("/conv1/Conv + /relu/Relu", "CaskConvolution", "Row major linear FP32", "sm90_xmma_fprop_implicit_gemm_tf32f32"),
            layer("/pool/MaxPool", "CaskPooling", "Row major linear FP32", "sm50_xmma_pooling_fw_4d_FP32FP32NCHW"),
            layer("/fc/Gemm", "CaskGemmConvolution", "Row major linear FP32", "sm90_xmma_gemm_f32f32_tf32f32"));

    @Test
    void fp16EngineCountsItsHalfPrecisionLayers() {
        TrtLayers l = TrtLayers.parse(FP16_ENGINE);
        assertThat(l.precisions()).isEqualTo(Map.of("FP16", 2, "FP32", 2));
        TrtLayers.Verdict v = l.check(Precision.FP16);
        assertThat(v.ok()).isTrue();
        assertThat(v.message()).isEqualTo("2 of 4 compute layers in FP16 {FP16=2, FP32=2}");
        assertThat(l.layers().get(1).tactic()).startsWith("sm90_xmma_fprop");
    }

    @Test
    void fp16AskedButEveryLayerFp32IsAFallback() {
        TrtLayers.Verdict v = TrtLayers.parse(FP32_ENGINE).check(Precision.FP16);
        assertThat(v.ok()).isFalse();
        assertThat(v.message()).isEqualTo("FP16 was asked for, but all 3 compute layers run in FP32 {FP32=3}: the build fell"
                + " back to FP32 (this GPU has no fast FP16, or no FP16 kernel was faster)");
        assertThat(TrtLayers.parse(FP32_ENGINE).check(Precision.FP32).ok()).isTrue();
    }

    @Test
    void layersWithoutDetailAreNotTakenForAPass() {
        // profiling verbosity LAYER_NAMES_ONLY: the inspector gives names, no formats
        TrtLayers l = TrtLayers.parse(List.of("\"/conv1/Conv\"", "\"/fc/Gemm\""));
        assertThat(l.check(Precision.FP16).ok()).isFalse();
        assertThat(TrtLayers.parse(List.of()).check(Precision.FP32).ok()).isFalse();
    }

    @Test
    void precisionNamesInFormatStrings() {
        assertThat(TrtLayers.precision("Row major linear FP32")).isEqualTo("FP32");
        assertThat(TrtLayers.precision("Two wide channel vectorized row major FP16 format")).isEqualTo("FP16");
        assertThat(TrtLayers.precision("Channel major INT8 format where channel % 32 == 0")).isEqualTo("INT8");
        assertThat(TrtLayers.precision("Row major linear Int32")).isEqualTo("INT32");
        assertThat(TrtLayers.precision("")).isEqualTo("unknown");
    }
}
