package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT engines for ONNX models, built on this machine's GPU by {@link TrtBuilder} and run by {@link TrtEngine}.
 * The fingerprint holds the TensorRT version, the GPU's name and compute capability and the workspace, so an engine
 * directory copied to another GPU or kept across a TensorRT upgrade is rebuilt, never loaded. After a build the
 * engine inspector's layer list answers "did it silently fall back?" ({@link TrtLayers}), and the outputs on the
 * check input are compared with ONNX Runtime on the CPU for the same model within a stated tolerance.
 */
final class TrtRuntime implements EngineRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(TrtRuntime.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String MODEL_DIR = "tensorrt";
    static final String LAYERS = "layers.json";
    /** Largest |TensorRT - ONNX Runtime CPU| over the check input's outputs, relative to the largest |CPU output|. */
    static final double FP32_TOLERANCE = 1e-2;
    static final double FP16_TOLERANCE = 5e-2;

    private final EngineOptions options;
    private final TrtLibrary.Status status;
    private TrtBuilder.Built built;
    private Path target;

    TrtRuntime(EngineOptions options) {
        this(options, TrtLibrary.status());
    }

    TrtRuntime(EngineOptions options, TrtLibrary.Status status) {
        this.options = options;
        this.status = status;
    }

    @Override public String name() { return TrtEngine.RUNTIME; }
    @Override public String modelDir() { return MODEL_DIR; }

    /** Refusals that need no GPU first (they hold on every machine), then whether TensorRT can run here. */
    @Override
    public void checkModel(ModelSpec spec) {
        checkSpec(spec);
        OrtEngine.checkModelFile(spec);
        if (!status.available()) {
            throw new EngineException("model '" + spec.id() + "' is set to run on TensorRT, but TensorRT cannot run here: "
                    + status.problem() + ". Set " + ModelSpec.PREFIX + spec.id() + ".runtime=auto to run it on ONNX Runtime instead.");
        }
    }

    /** What TensorRT is never asked to do: SavedModels, INT8 without a calibration set, TensorRT with the policy off. */
    static void checkSpec(ModelSpec spec) {
        String p = ModelSpec.PREFIX + spec.id() + ".";
        if (!Engines.isOnnx(spec)) {
            throw new EngineException("model '" + spec.id() + "': the TensorRT runtime builds engines from ONNX models, and "
                    + spec.path() + " is a SavedModel; export it to ONNX (tf2onnx) or set " + p + "runtime=tensorflow");
        }
        if (spec.precision() == Precision.INT8) {
            throw new EngineException(p + "precision=INT8 needs a calibration set, which edgesight's TensorRT runtime does"
                    + " not take yet; use FP16 (about as fast on most GPUs, no calibration) or FP32");
        }
    }

    @Override
    public String hashModel(ModelSpec spec) {
        return OrtRuntime.hashOnnx(spec);
    }

    @Override
    public boolean tensorRt(EngineOptions.TensorRtPolicy policy) {
        return true;
    }

    @Override
    public Map<String, Object> options(ModelSpec spec, boolean trt) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("workspaceBytes", options.maxWorkspaceBytes());
        o.put("profilingVerbosity", "DETAILED");
        o.put("batchProfile", "min=opt=max=" + spec.batchSize());
        return o;
    }

    /** What an engine plan is specific to: TensorRT's version and the GPU (name and compute capability). */
    @Override
    public String versionLine() {
        if (!status.available()) return "tensorrt=unavailable";
        return "tensorrt=" + status.tensorRtVersion() + "\ngpu=" + status.gpu().name() + "\ncomputeCapability="
                + status.gpu().computeCapability();
    }

    @Override
    public Map.Entry<String, Object> manifestSection(boolean trt) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", status.tensorRtVersion());
        if (status.gpu() != null) {
            m.put("gpu", status.gpu().name());
            m.put("computeCapability", status.gpu().computeCapability());
            m.put("gpuMemoryBytes", status.gpu().totalBytes());
            m.put("cudaDriver", TrtLibrary.cudaVersion(status.gpu().driverVersion()));
            m.put("cudaRuntime", TrtLibrary.cudaVersion(status.gpu().runtimeVersion()));
        }
        m.put("plan", MODEL_DIR + "/" + TrtBuilder.PLAN);
        m.put("platform", EngineCache.platform());
        return Map.entry("tensorrtRuntime", m);
    }

    @Override
    public String device(boolean trt) {
        return "TensorRT";
    }

    /** Tactic timings of earlier builds on this GPU and TensorRT version, shared by every engine built here. */
    Path timingCache() {
        String gpu = status.gpu() == null ? "gpu" : status.gpu().name().replaceAll("[^A-Za-z0-9_.-]", "_");
        return options.dir().resolve("tensorrt-timing-" + gpu + "-sm" + status.gpu().major() + status.gpu().minor()
                + "-" + status.tensorRtVersion() + ".cache");
    }

    @Override
    public void install(ModelSpec spec, Path target, boolean trt, long t0) throws IOException {
        this.target = target;
        this.built = TrtBuilder.build(spec, options, target, timingCache(), t0);
    }

    @Override
    public Engine load(ModelSpec spec, Path target, boolean trt) {
        return TrtEngine.load(spec, target.resolve(TrtBuilder.PLAN));
    }

    /**
     * After the build: the layers and their precisions (kept in {@code layers.json} beside the plan), the fallback
     * verdict, and the comparison with ONNX Runtime on the CPU. A failed check is a loud warning, or stops the start
     * under {@code edgesight.engine.tensorrt=required}.
     */
    @Override
    public Map<String, Object> check(Engine engine, boolean trt, long t0) {
        ModelSpec spec = engine.spec();
        String id = spec.id();
        TrtEngine e = (TrtEngine) engine;
        List<String> info = e.layerInformation();
        TrtLayers layers = TrtLayers.parse(info == null ? List.of() : info);
        // TensorRT 8.0 (JetPack 4.6's bindings) has no engine inspector: no layer list, the CPU comparison still runs
        TrtLayers.Verdict verdict = info == null
                ? new TrtLayers.Verdict(true, "no layer list: TensorRT " + status.tensorRtVersion() + "'s bindings have no"
                        + " engine inspector (the outputs are still compared with ONNX Runtime)")
                : layers.check(spec.precision());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("used", true);
        m.put("version", status.tensorRtVersion());
        m.put("gpu", status.gpu().name());
        m.put("computeCapability", status.gpu().computeCapability());
        m.put("precisionAsked", spec.precision().name());
        m.put("precisions", layers.precisions());
        m.put("layers", layers.layers().size());
        m.put("fallback", verdict.ok() ? "none" : verdict.message());
        m.put("layerCheck", verdict.message());
        if (built != null) m.put("build", TrtBuilder.describe(built));
        if (target != null && info != null) {
            try {
                JSON.writeValue(target.resolve(LAYERS).toFile(), layers.summary());
            } catch (IOException ex) {
                LOG.warn("engine '{}': cannot write {}: {}", id, LAYERS, ex.getMessage());
            }
        }
        EngineCache.stage(id, "TensorRT layers: " + verdict.message(), t0);
        List<String> problems = new java.util.ArrayList<>();
        if (!verdict.ok()) problems.add(verdict.message());

        EngineCache.stage(id, "comparing the outputs with ONNX Runtime on the CPU (the same model and check input)", t0);
        Comparison c = compareWithCpu(e);
        m.put("reference", c.describe());
        EngineCache.stage(id, c.summary(), t0);
        if (!c.ok()) problems.add(c.summary());
        if (!problems.isEmpty()) {
            String msg = "engine '" + id + "' is not what was asked: " + String.join("; ", problems);
            if (options.tensorrt() == EngineOptions.TensorRtPolicy.required) {
                throw new EngineException(msg + " (edgesight.engine.tensorrt=required)");
            }
            LOG.warn("*** TensorRT ENGINE CHECK FAILED *** {}", msg);
        }
        return m;
    }

    /** TensorRT's outputs against ONNX Runtime's CPU outputs on the same check input. */
    record Comparison(double maxAbsDiff, double scale, double tolerance, int rows, int top1Agree, Precision precision) {
        double relative() { return scale == 0 ? maxAbsDiff : maxAbsDiff / scale; }

        boolean ok() { return relative() <= tolerance && top1Agree == rows; }

        String summary() {
            return String.format(java.util.Locale.ROOT, "outputs vs ONNX Runtime CPU: max |diff| %.3g (%.2g of the largest"
                    + " output %.3g; %s tolerance %.0e), top-1 equal in %d of %d rows%s", maxAbsDiff, relative(), scale,
                    precision, tolerance, top1Agree, rows, ok() ? "" : ": OUTSIDE TOLERANCE");
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runtime", "onnxruntime CPU " + OrtEngine.version());
            m.put("maxAbsDiff", maxAbsDiff);
            m.put("largestOutput", scale);
            m.put("relativeDiff", relative());
            m.put("tolerance", tolerance);
            m.put("top1Agree", top1Agree + "/" + rows);
            m.put("ok", ok());
            return m;
        }
    }

    static Comparison compare(float[][] trt, float[][] cpu, Precision precision) {
        double max = 0, scale = 0;
        int agree = 0;
        for (int r = 0; r < cpu.length; r++) {
            int at = 0, ac = 0;
            for (int i = 0; i < cpu[r].length; i++) {
                max = Math.max(max, Math.abs(trt[r][i] - cpu[r][i]));
                scale = Math.max(scale, Math.abs(cpu[r][i]));
                if (trt[r][i] > trt[r][at]) at = i;
                if (cpu[r][i] > cpu[r][ac]) ac = i;
            }
            if (at == ac) agree++;
        }
        double tol = precision == Precision.FP32 ? FP32_TOLERANCE : FP16_TOLERANCE;
        return new Comparison(max, scale, tol, cpu.length, agree, precision);
    }

    private static Comparison compareWithCpu(TrtEngine e) {
        ModelSpec spec = e.spec();
        float[][] trt;
        try (BatchMemory in = EngineCache.checkInput(e)) {
            trt = e.run(in, spec.batchSize());
        }
        try (OrtEngine cpu = OrtEngine.load(spec); BatchMemory in = EngineCache.checkInput(cpu)) {
            float[][] ref = cpu.run(in, spec.batchSize());
            return compare(trt, ref, spec.precision());
        }
    }

    @Override
    public boolean verified(String relativePath) {
        return true;
    }

    /** The self-check's line for this runtime: what it found, or the missing library and what to install. */
    static List<RuntimeChecks.Line> selfCheck() {
        return List.of(new RuntimeChecks.Line("tensorrt", "runtime for ONNX models: " + TrtLibrary.status().describe()));
    }
}
