package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime engines. The build creates a session with the engine's options and has ONNX Runtime write the
 * optimised graph into the engine directory ({@code SessionOptions.setOptimizedModelFilePath}); later starts load
 * that file with graph optimisation off, so the optimisation is paid once. Execution providers: CPU always, CUDA and
 * TensorRT when {@link OrtEnvironment#getAvailableProviders()} reports them, with TensorRT configured from the same
 * keys as TF-TRT and its engine and timing caches inside the engine directory.
 */
final class OrtRuntime implements EngineRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);
    static final String MODEL_DIR = "onnx";
    /** The optimised model in the engine directory. */
    static final String MODEL_FILE = "model.onnx";
    /** TensorRT engine and timing caches, inside the engine directory (updated by ONNX Runtime itself). */
    static final String TRT_CACHE = "trt-cache";

    static final String MISSING = "ONNX Runtime %s in this jar (com.microsoft.onnxruntime:onnxruntime, the CPU build) has"
            + " no TensorRT execution provider: OrtEnvironment.getAvailableProviders() reports %s. TensorRT needs the GPU"
            + " build (com.microsoft.onnxruntime:onnxruntime_gpu) on a machine with CUDA, cuDNN and TensorRT installed;"
            + " see docs/ENGINES.md. Set edgesight.engine.tensorrt=auto to run ONNX Runtime on the CPU instead.";

    private static final String AUTO_HINT = " Set edgesight.engine.tensorrt=auto to run ONNX Runtime on the CPU instead.";

    private final EngineOptions options;
    private final EnumSet<OrtProvider> available;
    private final Map<OrtProvider, String> unusable;

    OrtRuntime(EngineOptions options) {
        this(options, usable(OrtEnvironment.getAvailableProviders()), PROBLEMS);
    }

    OrtRuntime(EngineOptions options, EnumSet<OrtProvider> available) {
        this(options, available, Map.of());
    }

    private OrtRuntime(EngineOptions options, EnumSet<OrtProvider> available, Map<OrtProvider, String> unusable) {
        this.options = options;
        this.available = available;
        this.unusable = unusable;
        OrtEngine.env();
    }

    private static final Map<OrtProvider, String> PROBLEMS = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile EnumSet<OrtProvider> usable;

    /**
     * The GPU build reports CUDA and TensorRT whether or not their libraries (libcudart, libcudnn, libnvinfer) are
     * installed: each is appended once to a throw-away session config, and one that does not load counts as absent.
     */
    private static EnumSet<OrtProvider> usable(EnumSet<OrtProvider> reported) {
        EnumSet<OrtProvider> u = usable;
        if (u != null) return u;
        u = EnumSet.copyOf(reported);
        for (OrtProvider p : List.of(OrtProvider.TENSOR_RT, OrtProvider.CUDA)) {
            if (!reported.contains(p)) continue;
            try (SessionOptions so = new SessionOptions()) {
                if (p == OrtProvider.TENSOR_RT) {
                    try (OrtTensorRTProviderOptions t = new OrtTensorRTProviderOptions(0)) {
                        so.addTensorrt(t);
                    }
                } else {
                    try (OrtCUDAProviderOptions c = new OrtCUDAProviderOptions(0)) {
                        so.addCUDA(c);
                    }
                }
            } catch (OrtException | RuntimeException e) {
                u.remove(p);
                PROBLEMS.put(p, String.valueOf(e.getMessage()).replaceAll("\\s+", " "));
            }
        }
        usable = u;
        return u;
    }

    @Override public String name() { return OrtEngine.RUNTIME; }
    @Override public String modelDir() { return MODEL_DIR; }

    @Override
    public void checkModel(ModelSpec spec) {
        OrtEngine.checkModelFile(spec);
    }

    /** The .onnx file and its external-data files next to it ({@code <name>.data}, {@code <name>_data}). */
    @Override
    public String hashModel(ModelSpec spec) {
        return hashOnnx(spec);
    }

    static String hashOnnx(ModelSpec spec) {
        Path file = spec.path();
        String base = file.getFileName().toString();
        String stem = base.substring(0, base.length() - ".onnx".length());
        Map<String, Path> files = new TreeMap<>();
        files.put(base, file);
        Path parent = file.toAbsolutePath().getParent();
        try (Stream<Path> s = Files.list(parent)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                String n = p.getFileName().toString();
                if (!n.equals(base) && (n.startsWith(base) || n.startsWith(stem + ".") || n.startsWith(stem + "_"))
                        && (n.endsWith(".data") || n.endsWith("_data") || n.endsWith(".bin"))) files.put(n, p);
            });
        } catch (IOException e) {
            throw new EngineException("model '" + spec.id() + "': cannot read " + parent + ": " + e.getMessage());
        }
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, Path> f : files.entrySet()) {
            md.update(f.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(java.util.HexFormat.of().parseHex(EngineCache.sha256(f.getValue())));
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    boolean tensorRtPresent() { return available.contains(OrtProvider.TENSOR_RT); }
    boolean cudaPresent() { return available.contains(OrtProvider.CUDA); }

    static String missingMessage(EnumSet<OrtProvider> available) {
        List<String> names = new ArrayList<>();
        for (OrtProvider p : available) names.add(p.getName());
        return String.format(MISSING, OrtEngine.version(), names);
    }

    @Override
    public boolean tensorRt(EngineOptions.TensorRtPolicy policy) {
        String missing = unusable.containsKey(OrtProvider.TENSOR_RT)
                ? "ONNX Runtime " + OrtEngine.version() + " has a TensorRT execution provider, but it does not load here ("
                        + unusable.get(OrtProvider.TENSOR_RT) + "): TensorRT, CUDA and cuDNN must be installed in the versions"
                        + " this ONNX Runtime was built for; see docs/ENGINES.md. Set edgesight.engine.tensorrt=auto to run"
                        + " ONNX Runtime on the CPU instead."
                : missingMessage(available);
        // the TensorRT runtime (libnvinfer through JavaCPP) was considered first; say why it is not used either
        TrtLibrary.Status native_ = TrtLibrary.status();
        if (!native_.available()) {
            missing = missing.replace(AUTO_HINT, " edgesight's own TensorRT runtime cannot run either: " + native_.problem()
                    + "." + AUTO_HINT);
        }
        return TensorRt.decide(policy, tensorRtPresent(), OrtEngine.RUNTIME, missing, AUTO_HINT,
                cudaPresent() ? " Running ONNX Runtime on CUDA." : " Running ONNX Runtime on the CPU.");
    }

    /** Execution providers in priority order. */
    List<String> providers(boolean trt) {
        List<String> p = new ArrayList<>();
        if (trt) p.add("TensorRT");
        if (cudaPresent()) p.add("CUDA");
        p.add("CPU");
        return p;
    }

    @Override
    public String device(boolean trt) {
        return trt ? "TensorRT" : cudaPresent() ? "CUDA" : "CPU";
    }

    /** The level the optimised model on disk is written with: all of it for the CPU, provider-independent for GPUs. */
    EngineOptions.OnnxOptimization savedLevel(boolean trt) {
        EngineOptions.OnnxOptimization level = options.onnxOptimization();
        if ((trt || cudaPresent()) && level.compareTo(EngineOptions.OnnxOptimization.basic) > 0) {
            return EngineOptions.OnnxOptimization.basic;
        }
        return level;
    }

    /** The level the engine directory's model is loaded with: nothing left to do on the CPU, the rest for GPUs. */
    EngineOptions.OnnxOptimization loadLevel(boolean trt) {
        return trt || cudaPresent() ? options.onnxOptimization() : EngineOptions.OnnxOptimization.off;
    }

    @Override
    public Map<String, Object> options(ModelSpec spec, boolean trt) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("tensorrtPolicy", options.tensorrt().name());
        o.put("optimizationLevel", options.onnxOptimization().name());
        o.put("interOpThreads", options.interOpThreads());
        o.put("executionMode", executionMode(options).name());
        o.put("allowSpinning", options.onnxAllowSpinning());
        o.put("providers", providers(trt));
        if (trt) o.put("tensorrt", tensorRtOptions(spec, options, null, null));
        if (cudaPresent()) o.put("cuda", cudaOptions(options));
        return o;
    }

    @Override
    public String versionLine() {
        return "onnxruntime=" + OrtEngine.version();
    }

    @Override
    public Map.Entry<String, Object> manifestSection(boolean trt) {
        List<String> names = new ArrayList<>();
        for (OrtProvider p : available) names.add(p.getName());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", OrtEngine.version());
        m.put("platform", EngineCache.platform());
        m.put("availableProviders", names);
        m.put("providers", providers(trt));
        m.put("optimizedModel", MODEL_DIR + "/" + MODEL_FILE);
        m.put("savedOptimizationLevel", savedLevel(trt).name());
        m.put("loadOptimizationLevel", loadLevel(trt).name());
        return Map.entry("onnxruntime", m);
    }

    static ExecutionMode executionMode(EngineOptions o) {
        return o.interOpThreads() > 1 ? ExecutionMode.PARALLEL : ExecutionMode.SEQUENTIAL;
    }

    static OptLevel optLevel(EngineOptions.OnnxOptimization level) {
        return switch (level) {
            case off -> OptLevel.NO_OPT;
            case basic -> OptLevel.BASIC_OPT;
            case extended -> OptLevel.EXTENDED_OPT;
            case all -> OptLevel.ALL_OPT;
        };
    }

    /** CPU session options of a spec: intra-op threads, inter-op threads and execution mode, optimisation level. */
    static SessionOptions cpuOptions(ModelSpec spec, EngineOptions o, EngineOptions.OnnxOptimization level) throws OrtException {
        SessionOptions so = new SessionOptions();
        try {
            so.setIntraOpNumThreads(spec.threads());
            so.setInterOpNumThreads(o.interOpThreads());
            so.setExecutionMode(executionMode(o));
            so.setOptimizationLevel(optLevel(level));
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            // idle intra-op threads sleep instead of spinning: on a shared CPU spinning takes the cores that
            // decoding, batching and publishing need (docs/BENCHMARKS.md)
            so.addConfigEntry("session.intra_op.allow_spinning", o.onnxAllowSpinning() ? "1" : "0");
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    /**
     * TensorRT execution provider options from the TF-TRT configuration keys (ONNX Runtime's documented option
     * names). {@code cacheDir} null: left out (fingerprint). {@code input} null: no optimisation profile.
     */
    static Map<String, String> tensorRtOptions(ModelSpec spec, EngineOptions o, Path cacheDir, ProfileInput input) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("device_id", "0");
        m.put("trt_max_workspace_size", Long.toString(o.maxWorkspaceBytes()));
        m.put("trt_fp16_enable", spec.precision() != Precision.FP32 ? "1" : "0");
        m.put("trt_int8_enable", spec.precision() == Precision.INT8 ? "1" : "0");
        m.put("trt_min_subgraph_size", Integer.toString(o.minimumSegmentSize()));
        m.put("trt_engine_cache_enable", "1");
        m.put("trt_timing_cache_enable", "1");
        if (cacheDir != null) {
            m.put("trt_engine_cache_path", cacheDir.toString());
            m.put("trt_timing_cache_path", cacheDir.toString());
        }
        if (input != null) {
            // one optimisation profile: TensorRT builds for exactly the engine's batch size (1..batch when dynamic)
            m.put("trt_profile_min_shapes", input.profile(input.dynamicBatch() ? 1 : spec.batchSize()));
            m.put("trt_profile_opt_shapes", input.profile(spec.batchSize()));
            m.put("trt_profile_max_shapes", input.profile(spec.batchSize()));
        }
        return m;
    }

    /** CUDA execution provider options from the GPU memory keys (ONNX Runtime's documented option names). */
    static Map<String, String> cudaOptions(EngineOptions o) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("device_id", "0");
        if (o.gpuMemoryLimitMb() > 0) m.put("gpu_mem_limit", Long.toString((long) o.gpuMemoryLimitMb() << 20));
        // allow-growth: take memory as requested instead of doubling the arena
        m.put("arena_extend_strategy", o.gpuAllowGrowth() ? "kSameAsRequested" : "kNextPowerOfTwo");
        m.put("cudnn_conv_algo_search", "EXHAUSTIVE");
        m.put("do_copy_in_default_stream", "1");
        return m;
    }

    /** The image input's name and shape, for TensorRT's optimisation profile. */
    record ProfileInput(String name, long[] shape) {
        boolean dynamicBatch() { return shape[0] <= 0; }

        String profile(int batch) {
            StringBuilder sb = new StringBuilder(name).append(':').append(batch);
            for (int i = 1; i < shape.length; i++) sb.append('x').append(shape[i]);
            return sb.toString();
        }
    }

    /** Session options for the engine: CPU settings, then TensorRT and CUDA when used. The caller closes them. */
    SessionOptions sessionOptions(ModelSpec spec, Path modelFile, EngineOptions.OnnxOptimization level, boolean trt,
                                  Path cacheDir, List<AutoCloseable> toClose) throws OrtException {
        SessionOptions so = cpuOptions(spec, options, level);
        toClose.add(so);
        if (trt) {
            OrtTensorRTProviderOptions t = new OrtTensorRTProviderOptions(0);
            toClose.add(t);
            for (Map.Entry<String, String> e : tensorRtOptions(spec, options, cacheDir, profileInput(spec, modelFile)).entrySet()) {
                t.add(e.getKey(), e.getValue());
            }
            so.addTensorrt(t);
        }
        if (cudaPresent()) {
            OrtCUDAProviderOptions c = new OrtCUDAProviderOptions(0);
            toClose.add(c);
            for (Map.Entry<String, String> e : cudaOptions(options).entrySet()) c.add(e.getKey(), e.getValue());
            so.addCUDA(c);
        }
        return so;
    }

    /** Reads the input's name and shape with a CPU session that does no optimisation. */
    private ProfileInput profileInput(ModelSpec spec, Path modelFile) throws OrtException {
        try (SessionOptions so = cpuOptions(spec, options, EngineOptions.OnnxOptimization.off);
             OrtSession s = OrtEngine.env().createSession(modelFile.toString(), so)) {
            NodeInfo in = s.getInputInfo().values().iterator().next();
            return new ProfileInput(in.getName(), ((TensorInfo) in.getInfo()).getShape());
        }
    }

    @Override
    public void install(ModelSpec spec, Path target, boolean trt, long t0) throws IOException {
        EngineOptions.OnnxOptimization level = savedLevel(trt);
        EngineCache.stage(spec.id(), "optimising the ONNX graph (level " + level + ") into " + MODEL_DIR + "/" + MODEL_FILE, t0);
        Path out = target.resolve(MODEL_FILE);
        // a CPU-only session: the saved graph holds no compiled TensorRT/CUDA nodes, which ONNX Runtime cannot save
        try (SessionOptions so = cpuOptions(spec, options, level)) {
            so.setOptimizedModelFilePath(out.toString());
            try (OrtSession s = OrtEngine.env().createSession(spec.path().toString(), so)) {
                LOG.debug("model '{}' optimised: inputs {}", spec.id(), s.getInputInfo().keySet());
            }
        } catch (OrtException e) {
            throw OrtEngine.loadError(spec, spec.path(), e);
        }
        if (!Files.isRegularFile(out)) {
            throw new EngineException("model '" + spec.id() + "': ONNX Runtime wrote no optimised model to " + out);
        }
        if (trt) Files.createDirectories(target.resolve(TRT_CACHE));
    }

    @Override
    public Engine load(ModelSpec spec, Path target, boolean trt) {
        Path file = target.resolve(MODEL_FILE);
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            SessionOptions so = sessionOptions(spec, file, loadLevel(trt), trt, target.resolve(TRT_CACHE).toAbsolutePath(), toClose);
            return OrtEngine.load(spec, file, so, providers(trt));
        } catch (OrtException e) {
            throw new EngineException("model '" + spec.id() + "': ONNX Runtime session options: " + e.getMessage(), e);
        } finally {
            for (int i = toClose.size() - 1; i >= 0; i--) {
                try {
                    toClose.get(i).close();
                } catch (Exception e) {
                    LOG.debug("closing ONNX Runtime options: {}", e.getMessage());
                }
            }
        }
    }

    @Override
    public Map<String, Object> check(Engine engine, boolean trt, long t0) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("used", trt);
        m.put("providers", ((OrtEngine) engine).providers());
        return m;
    }

    @Override
    public boolean verified(String relativePath) {
        return !relativePath.startsWith(TRT_CACHE + "/");
    }

    /** ONNX Runtime's self-check lines: its version and execution providers, or why its natives did not load. */
    static List<RuntimeChecks.Line> selfCheck() {
        try {
            EnumSet<OrtProvider> providers = ai.onnxruntime.OrtEnvironment.getAvailableProviders();
            List<String> names = new ArrayList<>();
            for (OrtProvider p : providers) names.add(p.getName());
            return List.of(new RuntimeChecks.Line("onnx", "ONNX Runtime " + OrtEngine.version() + " (providers: " + String.join(", ", names) + ")"));
        } catch (LinkageError | RuntimeException e) {
            return List.of(new RuntimeChecks.Line("onnx", "ONNX Runtime natives did not load: " + e));
        }
    }
}
