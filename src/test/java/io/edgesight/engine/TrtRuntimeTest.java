package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.tooling.ColourClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TensorRT runtime's decisions that need no GPU: which runtime a model gets, what is refused before any build,
 * the one-line errors for missing libraries, the workspace check, the fingerprint and the CPU comparison.
 */
class TrtRuntimeTest {

    static ModelSpec spec(Path model, String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("edgesight.models.m.path", model.toString());
        for (int i = 0; i < kv.length; i += 2) m.put("edgesight.models.m." + kv[i], kv[i + 1]);
        return ModelSpec.from("m", new Settings(m::get));
    }

    static EngineOptions options(String policy) {
        Map<String, String> m = Map.of("edgesight.engine.tensorrt", policy);
        return EngineOptions.from(new Settings(m::get));
    }

    static final TrtLibrary.Status H100 = new TrtLibrary.Status(true, "10.6.0",
            new TrtLibrary.Gpu("NVIDIA H100 80GB HBM3", 9, 0, 85_000_000_000L, 13000, 13000), null);

    @Test
    void thisMachineHasNoTensorRtAndSaysWhichLibraryIsMissing() {
        TrtLibrary.Status s = TrtLibrary.status();
        assertThat(s.available()).as("CI and the developers' machines have no GPU").isFalse();
        assertThat(s.problem()).matches("lib[a-z_]+\\.so\\.\\d+ \\(.+\\) (was|were) not found; .*LD_LIBRARY_PATH.*")
                .doesNotContain("\n");
        assertThat(s.describe()).startsWith("not available: ");
    }

    @Test
    void missingLibrariesAreNamedWithWhatToInstall() {
        // what JavaCPP's loader reports when the dynamic linker cannot resolve the bindings' NEEDED libraries
        String nvinfer = "/root/.javacpp/cache/tensorrt-10.6-1.5.11-linux-x86_64.jar/org/bytedeco/tensorrt/linux-x86_64/"
                + "libjninvinfer.so: libnvinfer.so.10: cannot open shared object file: No such file or directory";
        assertThat(TrtLibrary.missingMessage(List.of("no jninvinfer in java.library.path", nvinfer), "TensorRT"))
                .isEqualTo("libnvinfer.so.10 (TensorRT 10) was not found; install TensorRT 10 (NVIDIA's tensorrt packages:"
                        + " libnvinfer10 and libnvonnxparsers10, or JetPack 6 on a Jetson), or add the directory that holds it"
                        + " to LD_LIBRARY_PATH (docs/ENGINES.md, \"TensorRT\")");
        String cudart = "/tmp/libjnicudart.so: libcudart.so.13: cannot open shared object file: No such file or directory";
        assertThat(TrtLibrary.missingMessage(List.of(cudart), "the CUDA runtime"))
                .startsWith("libcudart.so.13 (the CUDA 13 runtime) was not found; install the CUDA 13 runtime libraries");
        String driver = "/tmp/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory";
        assertThat(TrtLibrary.missingMessage(List.of(driver), "the CUDA runtime"))
                .startsWith("libcuda.so.1 (the NVIDIA driver) was not found; this machine has no NVIDIA driver");
        assertThat(TrtLibrary.missingMessage(List.of("something odd"), "TensorRT"))
                .isEqualTo("TensorRT bindings did not load (something odd); see docs/ENGINES.md, \"TensorRT\"");
    }

    @Test
    void autoPicksTensorRtOnlyForOnnxModelsWhenItCanRun(@TempDir Path tmp) throws Exception {
        Path onnx = ColourClassifier.write(tmp.resolve("m.onnx"));
        assertThat(Engines.select(spec(onnx), options("auto"))).isEqualTo(OrtEngine.RUNTIME); // no GPU here
        assertThat(Engines.select(spec(onnx, "runtime", "tensorrt"), options("auto"))).isEqualTo(TrtEngine.RUNTIME);
        assertThat(Engines.select(spec(onnx, "runtime", "onnxruntime"), options("required"))).isEqualTo(OrtEngine.RUNTIME);
        Path saved = Files.createDirectories(tmp.resolve("saved"));
        assertThat(Engines.select(spec(saved), options("auto"))).isEqualTo(TfEngine.RUNTIME);
    }

    @Test
    void whatTensorRtIsNeverAskedToDo(@TempDir Path tmp) throws Exception {
        Path onnx = ColourClassifier.write(tmp.resolve("m.onnx"));
        Path saved = Files.createDirectories(tmp.resolve("saved"));
        assertThatThrownBy(() -> Engines.select(spec(saved, "runtime", "tensorrt"), options("auto")))
                .hasMessageStartingWith("model 'm': the TensorRT runtime builds engines from ONNX models, and ")
                .hasMessageEndingWith("is a SavedModel; export it to ONNX (tf2onnx) or set edgesight.models.m.runtime=tensorflow");
        assertThatThrownBy(() -> Engines.select(spec(onnx, "runtime", "tensorrt", "precision", "INT8"), options("auto")))
                .hasMessage("edgesight.models.m.precision=INT8 needs a calibration set, which edgesight's TensorRT runtime"
                        + " does not take yet; use FP16 (about as fast on most GPUs, no calibration) or FP32");
        assertThatThrownBy(() -> Engines.select(spec(onnx, "runtime", "tensorrt"), options("off")))
                .hasMessage("edgesight.models.m.runtime=tensorrt contradicts edgesight.engine.tensorrt=off; remove one of them");
        assertThatThrownBy(() -> Engines.select(spec(onnx, "runtime", "tensorflow"), options("auto")))
                .hasMessageContaining("is an ONNX model; set edgesight.models.m.runtime=onnxruntime or tensorrt");
        assertThatThrownBy(() -> spec(onnx, "runtime", "cuda"))
                .hasMessage("edgesight.models.m.runtime: unknown runtime 'cuda'; use one of auto, tensorflow, onnxruntime, tensorrt");
    }

    @Test
    void pinnedToTensorRtOnThisMachineIsOneClearErrorBeforeAnyBuild(@TempDir Path tmp) throws Exception {
        Path onnx = ColourClassifier.write(tmp.resolve("m.onnx"));
        EngineCache cache = new EngineCache(new EngineOptions(tmp.resolve("engines"), EngineOptions.TensorRtPolicy.auto,
                1L << 30, 3, 1, true, true, 2048, true, 1, false, EngineOptions.OnnxOptimization.all, false));
        assertThatThrownBy(() -> cache.prepare(spec(onnx, "runtime", "tensorrt")))
                .hasMessageStartingWith("model 'm' is set to run on TensorRT, but TensorRT cannot run here: lib")
                .hasMessageEndingWith("Set edgesight.models.m.runtime=auto to run it on ONNX Runtime instead.");
        assertThat(tmp.resolve("engines")).doesNotExist();
    }

    @Test
    void requiredOnThisMachineNamesBothTensorRtPaths(@TempDir Path tmp) throws Exception {
        Path onnx = ColourClassifier.write(tmp.resolve("m.onnx"));
        EngineCache cache = new EngineCache(EngineOptions.from(new Settings(Map.of(
                "edgesight.engine.tensorrt", "required", "edgesight.engine.dir", tmp.resolve("e").toString())::get)));
        assertThatThrownBy(() -> cache.prepare(spec(onnx)))
                .hasMessageStartingWith("edgesight.engine.tensorrt=required, but ONNX Runtime ")
                .hasMessageContaining("edgesight's own TensorRT runtime cannot run either: lib")
                .hasMessageEndingWith("Set edgesight.engine.tensorrt=auto to run ONNX Runtime on the CPU instead.");
    }

    @Test
    void workspaceMustFitTheGpu() {
        long gb = 1L << 30;
        TrtBuilder.checkWorkspace("m", gb, 70 * gb, 80 * gb);
        assertThatThrownBy(() -> TrtBuilder.checkWorkspace("m", 96 * gb, 70 * gb, 80 * gb))
                .hasMessage("model 'm': edgesight.engine.trt.max-workspace-bytes is 98304 MB but the GPU has only 81920 MB"
                        + " in all; set it well below that (e.g. 1073741824 for 1 GB)");
        assertThatThrownBy(() -> TrtBuilder.checkWorkspace("m", 4 * gb, 3 * gb, 4 * gb + 1))
                .hasMessage("model 'm': edgesight.engine.trt.max-workspace-bytes is 4096 MB but only 3072 MB of the GPU's"
                        + " 4096 MB are free; lower it, or stop what else uses the GPU");
    }

    @Test
    void inputShapesTensorRtCanFix(@TempDir Path tmp) throws Exception {
        ModelSpec s = spec(ColourClassifier.write(tmp.resolve("m.onnx")), "batch-size", "4");
        TrtBuilder.checkShape(s, "x", new long[] {-1, 3, 224, 224});
        TrtBuilder.checkShape(s, "x", new long[] {4, 224, 224, 3});
        assertThatThrownBy(() -> TrtBuilder.checkShape(s, "x", new long[] {-1, 3, -1, -1}))
                .hasMessage("model 'm' input 'x' is [?, 3, ?, ?]: TensorRT builds for one fixed shape and edgesight fixes"
                        + " only the batch dimension (to batch-size 4); export the model with a fixed height and width");
        assertThatThrownBy(() -> TrtBuilder.checkShape(s, "x", new long[] {8, 3, 224, 224}))
                .hasMessageStartingWith("model 'm' takes batches of exactly 8 but edgesight.models.m.batch-size is 4");
        assertThatThrownBy(() -> TrtBuilder.checkShape(s, "x", new long[] {1, 1000}))
                .hasMessageContaining("not an image tensor");
    }

    @Test
    void parserErrorsAreOneLineEach(@TempDir Path tmp) throws Exception {
        ModelSpec s = spec(tmp.resolve("custom.onnx"));
        String msg = TrtBuilder.parseErrors(s, List.of(
                TrtBuilder.parserError("kUNSUPPORTED_NODE", "No importer registered for op: Frobnicate. \n", 3, "frob", "Frobnicate"),
                TrtBuilder.parserError("kINVALID_GRAPH", "graph has no outputs", -1, "", "")));
        assertThat(msg.split("\n")).containsExactly(
                "model 'm': TensorRT's ONNX parser cannot build a network from " + tmp.resolve("custom.onnx")
                        + " (2 errors); export the model with ops TensorRT supports, or set edgesight.models.m.runtime=onnxruntime:",
                "  [UNSUPPORTED_NODE] No importer registered for op: Frobnicate. (node 3 'frob', op Frobnicate)",
                "  [INVALID_GRAPH] graph has no outputs");
    }

    @Test
    void theFingerprintHoldsTheTensorRtVersionAndTheGpu(@TempDir Path tmp) throws Exception {
        ModelSpec s = spec(ColourClassifier.write(tmp.resolve("m.onnx")));
        EngineOptions o = options("auto");
        EngineCache cache = new EngineCache(o);
        String h100 = cache.fingerprint(s, new TrtRuntime(o, H100), "abc", true);
        var a100 = new TrtLibrary.Status(true, "10.6.0", new TrtLibrary.Gpu("NVIDIA A100-SXM4-40GB", 8, 0, 40L << 30, 13000, 13000), null);
        var newer = new TrtLibrary.Status(true, "10.15.1", H100.gpu(), null);
        assertThat(cache.fingerprint(s, new TrtRuntime(o, a100), "abc", true)).isNotEqualTo(h100);
        assertThat(cache.fingerprint(s, new TrtRuntime(o, newer), "abc", true)).isNotEqualTo(h100);
        assertThat(cache.fingerprint(s, new TrtRuntime(o, H100), "abc", true)).isEqualTo(h100);
        assertThat(cache.fingerprintInputs(s, new TrtRuntime(o, H100), "abc", true).split("\n"))
                .contains("tensorrt=10.6.0", "gpu=NVIDIA H100 80GB HBM3", "computeCapability=9.0");
    }

    @Test
    void aManifestRecordingAnotherGpuIsRebuilt(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("manifest.json"), "{\"fingerprintInputs\": [\"format=1\", \"tensorrt=10.6.0\","
                + " \"gpu=NVIDIA A100-SXM4-40GB\"]}");
        assertThat(EngineCache.builtElsewhere(tmp, "format=1\ntensorrt=10.6.0\ngpu=NVIDIA H100 80GB HBM3"))
                .isEqualTo("it was built for gpu=NVIDIA A100-SXM4-40GB, this machine has gpu=NVIDIA H100 80GB HBM3");
        assertThat(EngineCache.builtElsewhere(tmp, "format=1\ntensorrt=10.6.0\ngpu=NVIDIA A100-SXM4-40GB")).isNull();
    }

    @Test
    void outputsAreComparedWithTheCpuWithinTheStatedTolerance() {
        float[][] cpu = {{0.1f, 0.7f, 0.2f}, {0.5f, 0.3f, 0.2f}};
        var same = TrtRuntime.compare(new float[][] {{0.1005f, 0.699f, 0.2f}, {0.5f, 0.301f, 0.2f}}, cpu, Precision.FP32);
        assertThat(same.ok()).isTrue();
        assertThat(same.top1Agree()).isEqualTo(2);
        var fp16 = TrtRuntime.compare(new float[][] {{0.12f, 0.68f, 0.2f}, {0.49f, 0.31f, 0.2f}}, cpu, Precision.FP16);
        assertThat(fp16.relative()).isCloseTo(0.02 / 0.7, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(fp16.ok()).as("2.9 %% is inside FP16's 5 %%").isTrue();
        assertThat(TrtRuntime.compare(new float[][] {{0.12f, 0.68f, 0.2f}, {0.49f, 0.31f, 0.2f}}, cpu, Precision.FP32).ok())
                .as("but outside FP32's 1 %%").isFalse();
        var flipped = TrtRuntime.compare(new float[][] {{0.1f, 0.7f, 0.2f}, {0.3f, 0.5f, 0.2f}}, cpu, Precision.FP16);
        assertThat(flipped.ok()).isFalse();
        assertThat(flipped.summary()).endsWith("top-1 equal in 1 of 2 rows: OUTSIDE TOLERANCE");
    }

    @Test
    void halfPrecisionOutputsAreReadExactly() {
        assertThat(TrtEngine.half((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(TrtEngine.half((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(TrtEngine.half((short) 0x7bff)).isEqualTo(65504.0f);
        assertThat(TrtEngine.half((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
        assertThat(TrtEngine.half((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    }
}
