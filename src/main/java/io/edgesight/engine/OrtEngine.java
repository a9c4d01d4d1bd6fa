package io.edgesight.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.edgesight.preprocess.ChannelOrder;
import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.TensorLayout;
import io.edgesight.preprocess.TensorWriter;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX model loaded in ONNX Runtime for one batch size. Its single input must be an image, NCHW
 * {@code [batch, 3, h, w]} (PyTorch exports) or NHWC {@code [batch, h, w, 3]}, float32 or uint8; the
 * {@link #writer()} writes frames in that layout. Batches live in direct buffers that ONNX Runtime reads in place.
 */
public final class OrtEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(OrtEngine.class);
    public static final String RUNTIME = "onnxruntime";
    private static volatile OrtEnvironment env;

    private final ModelSpec spec;
    private final OrtSession session;
    private final Path modelFile;
    private final List<String> providers;
    private final String inputName;
    private final String outputName;
    /** Every tensor output, sorted by name, as declared. */
    private final List<Outputs.Info> declared;
    private final Set<String> fetch;
    private final boolean floatInput;
    private final boolean fixedBatch;
    private final TensorLayout layout;
    private final int height, width, channels;
    private final Normalization normalization;
    private final TensorWriter writer;

    private OrtEngine(ModelSpec spec, OrtSession session, Path modelFile, List<String> providers, String inputName,
                      String outputName, List<Outputs.Info> declared, boolean floatInput, boolean fixedBatch, TensorLayout layout, int height,
                      int width, int channels) {
        this.spec = spec;
        this.session = session;
        this.modelFile = modelFile;
        this.providers = providers;
        this.inputName = inputName;
        this.outputName = outputName;
        this.declared = declared;
        this.fetch = new java.util.LinkedHashSet<>(declared.stream().map(Outputs.Info::name).toList());
        this.floatInput = floatInput;
        this.fixedBatch = fixedBatch;
        this.layout = layout;
        this.height = height;
        this.width = width;
        this.channels = channels;
        String where = ModelSpec.PREFIX + spec.id() + ".normalize";
        this.normalization = Normalization.of(spec.normalize(), channels, spec.mean(), spec.std(), where);
        if (!floatInput && !normalization.isIdentity()) {
            throw new EngineException("model '" + spec.id() + "' takes uint8 pixels; set " + where + "=raw");
        }
        if (normalization.requiresBgr() && spec.channelOrder() != ChannelOrder.BGR) {
            throw new EngineException("model '" + spec.id() + "': normalisation caffe works on BGR input; set "
                    + ModelSpec.PREFIX + spec.id() + ".channel-order=BGR");
        }
        this.writer = new TensorWriter(height, width, channels, spec.channelOrder(), normalization, floatInput, layout);
    }

    /** The process-wide ONNX Runtime environment (its own log goes to stderr at error level only). */
    static OrtEnvironment env() {
        OrtEnvironment e = env;
        if (e == null) {
            synchronized (OrtEngine.class) {
                if (env == null) env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "edgesight");
                e = env;
            }
        }
        return e;
    }

    /** ONNX Runtime's version, e.g. "1.20.0". */
    public static String version() {
        return env().getVersion();
    }

    /**
     * Loads the model straight from its file on the CPU, with the configured optimisations applied in memory
     * (benchmarks, tests; the engine cache writes them to disk instead).
     */
    public static OrtEngine load(ModelSpec spec) {
        checkModelFile(spec);
        EngineOptions o = EngineOptions.defaults();
        try (OrtSession.SessionOptions so = OrtRuntime.cpuOptions(spec, o, o.onnxOptimization())) {
            return load(spec, spec.path(), so, List.of("CPU"));
        } catch (OrtException e) {
            throw new EngineException("model '" + spec.id() + "': ONNX Runtime session options: " + e.getMessage());
        }
    }

    /** A user-facing error unless {@code spec.path()} is a readable file. */
    public static void checkModelFile(ModelSpec spec) {
        String id = spec.id();
        String key = ModelSpec.PREFIX + id + ".path";
        if (Files.isDirectory(spec.path())) {
            throw new EngineException("model '" + id + "': " + spec.path() + " is a directory, not an ONNX model file; check " + key);
        }
        if (!Files.isRegularFile(spec.path())) {
            throw new EngineException("model '" + id + "': ONNX model file " + spec.path().toAbsolutePath()
                    + " does not exist; check " + key);
        }
    }

    /** Opens a session on {@code file} with the given options and checks the model's input and output. */
    static OrtEngine load(ModelSpec spec, Path file, OrtSession.SessionOptions options, List<String> providers) {
        OrtSession session;
        try {
            session = env().createSession(file.toString(), options);
        } catch (OrtException e) {
            throw loadError(spec, file, e);
        }
        try {
            return inspect(spec, session, file, providers);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static final Pattern OPSET = Pattern.compile(
            "Opset (\\d+) is under development.*?support for domain (\\S+) is till opset (\\d+)", Pattern.DOTALL);
    private static final Pattern IR = Pattern.compile("Unsupported model IR version: (\\d+), max supported IR version: (\\d+)");
    private static final Pattern SOURCE = Pattern.compile("^.*?failed:\\s*(?:\\S+\\.(?:cc|h):\\d+ .*?\\) )?", Pattern.DOTALL);

    /** One clear line for each way a model can fail to load. */
    static EngineException loadError(ModelSpec spec, Path file, OrtException e) {
        String id = spec.id();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        String v = version();
        if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF) {
            return new EngineException("model '" + id + "': " + file + " is not a valid ONNX model (ONNX Runtime cannot"
                    + " parse it: the file is corrupt, truncated or not ONNX); export it again or check "
                    + ModelSpec.PREFIX + id + ".path");
        }
        Matcher m = OPSET.matcher(msg);
        if (m.find()) {
            return new EngineException("model '" + id + "': " + file + " uses opset " + m.group(1) + " of domain "
                    + m.group(2) + ", but ONNX Runtime " + v + " runs opsets up to " + m.group(3)
                    + "; export the model with opset " + m.group(3) + " or lower (torch.onnx.export(..., opset_version="
                    + m.group(3) + "))");
        }
        m = IR.matcher(msg);
        if (m.find()) {
            return new EngineException("model '" + id + "': " + file + " has ONNX IR version " + m.group(1)
                    + ", but ONNX Runtime " + v + " reads IR versions up to " + m.group(2)
                    + "; export it with an older onnx package or opset");
        }
        String detail = SOURCE.matcher(msg).replaceFirst("").replaceAll("\\s+", " ").trim();
        if (detail.isEmpty()) detail = e.getCode().name();
        return new EngineException("model '" + id + "': ONNX Runtime " + v + " cannot load " + file + ": " + detail);
    }

    private static OrtEngine inspect(ModelSpec spec, OrtSession session, Path file, List<String> providers) {
        String id = spec.id();
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new EngineException("model '" + id + "': ONNX Runtime cannot describe " + file + ": " + e.getMessage());
        }
        if (inputs.size() != 1) {
            throw new EngineException("model '" + id + "' has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; edgesight feeds one image tensor [batch, 3, height, width] or [batch, height, width, 3]");
        }
        NodeInfo in = inputs.values().iterator().next();
        String notImage = "model '" + id + "' input '" + in.getName() + "' is " + describe(in)
                + ", not an image tensor [batch, 3, height, width] (NCHW) or [batch, height, width, 3] (NHWC) of float32 or uint8";
        if (!(in.getInfo() instanceof TensorInfo ti)) throw new EngineException(notImage);
        long[] shape = ti.getShape();
        boolean type = ti.type == OnnxJavaType.FLOAT || ti.type == OnnxJavaType.UINT8;
        if (shape.length != 4 || !type || (shape[1] != 3 && shape[3] != 3)) throw new EngineException(notImage);
        TensorLayout layout = shape[1] == 3 ? TensorLayout.NCHW : TensorLayout.NHWC;
        long h = layout == TensorLayout.NCHW ? shape[2] : shape[1];
        long w = layout == TensorLayout.NCHW ? shape[3] : shape[2];
        if (h <= 0 || w <= 0) {
            throw new EngineException("model '" + id + "' input '" + in.getName() + "' is " + describe(in)
                    + ": its height and width are not fixed; export the model with a fixed input size (only the batch"
                    + " dimension may be dynamic)");
        }
        long batchDim = shape[0];
        if (batchDim > 0 && batchDim != spec.batchSize()) {
            throw new EngineException("model '" + id + "' takes batches of exactly " + batchDim + " but "
                    + ModelSpec.PREFIX + id + ".batch-size is " + spec.batchSize() + "; set it to " + batchDim
                    + " or export the model with a dynamic batch dimension");
        }
        List<Outputs.Info> declared = new ArrayList<>();
        TreeSet<String> skipped = new TreeSet<>();
        for (String name : new TreeSet<>(outputs.keySet())) {
            NodeInfo o = outputs.get(name);
            String otype = o.getInfo() instanceof TensorInfo oi ? dtype(oi.type) : null;
            if (otype == null) {
                skipped.add(name + " (" + describe(o) + ")");
                continue;
            }
            declared.add(new Outputs.Info(name, otype, ((TensorInfo) o.getInfo()).getShape()));
        }
        if (!skipped.isEmpty()) LOG.info("model '{}': outputs {} are not numeric tensors and are not read", id, skipped);
        String out = spec.output();
        if (out == null) {
            if (declared.isEmpty()) {
                throw new EngineException("model '" + id + "' has no numeric tensor output (its outputs are " + outputs.keySet() + ")");
            }
            out = declared.get(0).name();
        } else if (!outputs.containsKey(out)) {
            throw new EngineException("model '" + id + "' has no output '" + out + "'; its outputs are " + outputs.keySet());
        } else if (!(outputs.get(out).getInfo() instanceof TensorInfo oi) || dtype(oi.type) == null) {
            throw new EngineException("model '" + id + "' output '" + out + "' is " + describe(outputs.get(out))
                    + "; edgesight reads float, double, int32, int64 and uint8 tensors");
        }
        return new OrtEngine(spec, session, file, providers, in.getName(), out, List.copyOf(declared), ti.type == OnnxJavaType.FLOAT,
                batchDim > 0, layout, (int) h, (int) w, 3);
    }

    /** The element type edgesight reads an output of as, or null for outputs it does not read. */
    static String dtype(OnnxJavaType t) {
        return switch (t) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case UINT8 -> "uint8";
            default -> null;
        };
    }

    private static String describe(NodeInfo n) {
        if (n.getInfo() instanceof TensorInfo t) {
            String type = t.type == OnnxJavaType.FLOAT ? "float32" : t.type.name().toLowerCase(java.util.Locale.ROOT);
            return type + " " + Arrays.toString(t.getShape()).replace("-1", "?");
        }
        return n.getInfo().toString();
    }

    @Override public String runtime() { return RUNTIME; }
    @Override public ModelSpec spec() { return spec; }
    @Override public int height() { return height; }
    @Override public int width() { return width; }
    @Override public int channels() { return channels; }
    @Override public boolean fixedBatch() { return fixedBatch; }
    @Override public TensorLayout layout() { return layout; }
    @Override public TensorWriter writer() { return writer; }
    @Override public Normalization normalization() { return normalization; }
    @Override public String inputName() { return inputName; }
    @Override public String outputName() { return outputName; }

    /** The model file the session was created from (the engine directory's optimised model when cached). */
    public Path modelFile() { return modelFile; }

    /** Execution providers of the session, in priority order (e.g. [TensorRT, CUDA, CPU]). */
    public List<String> providers() { return providers; }

    long[] shape(int rows) {
        return layout == TensorLayout.NCHW ? new long[] {rows, channels, height, width} : new long[] {rows, height, width, channels};
    }

    /** A batch in a direct buffer: the writer fills it at its native address, ONNX Runtime reads it without a copy. */
    public final class OrtBatch implements BatchMemory {
        private final ByteBuffer buffer;
        private final int rows;
        private final long address;
        private OnnxTensor full;

        OrtBatch(int rows) {
            this.rows = rows;
            this.buffer = ByteBuffer.allocateDirect((int) (rows * writer.rowBytes())).order(ByteOrder.nativeOrder());
            try (Pointer p = new Pointer(buffer)) {
                this.address = p.address();
            }
        }

        @Override public long address() { return address; }
        @Override public int rows() { return rows; }

        OrtEngine outer() { return OrtEngine.this; }

        /** A tensor over the first {@code n} rows of this memory (no copy); the full one is kept, others are the caller's. */
        OnnxTensor tensor(int n) throws OrtException {
            if (n == rows && full != null) return full;
            ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
            view.position(0).limit((int) (n * writer.rowBytes()));
            OnnxTensor t;
            if (floatInput) {
                FloatBuffer f = view.slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
                t = OnnxTensor.createTensor(env(), f, shape(n));
            } else {
                t = OnnxTensor.createTensor(env(), view.slice(), shape(n), OnnxJavaType.UINT8);
            }
            if (n == rows) full = t;
            return t;
        }

        @Override
        public void close() {
            OnnxTensor t = full;
            full = null;
            if (t != null) t.close();
        }
    }

    @Override
    public OrtBatch allocateBatch(int rows) {
        return new OrtBatch(rows);
    }

    @Override
    public Outputs runAll(BatchMemory batch, int rows) {
        if (!(batch instanceof OrtBatch ob) || ob.outer() != this) {
            throw new IllegalArgumentException("model '" + spec.id() + "': an ONNX Runtime engine runs batches it allocated, got " + batch);
        }
        long rowBytes = writer.rowBytes();
        int feed = rows;
        if (rows < batchSize() && fixedBatch) {
            Pointer.memset(pointerAt(ob.address() + rows * rowBytes), 0, (ob.rows() - rows) * rowBytes);
            feed = ob.rows();
        }
        OnnxTensor input = null;
        try {
            input = ob.tensor(feed);
            try (OrtSession.Result result = session.run(Map.of(inputName, input), fetch)) {
                List<Outputs.Tensor> tensors = new ArrayList<>(declared.size());
                for (Outputs.Info d : declared) {
                    OnnxValue value = result.get(d.name()).orElseThrow(
                            () -> new EngineException("model '" + spec.id() + "' returned no '" + d.name() + "'"));
                    OnnxTensor out = (OnnxTensor) value;
                    tensors.add(new Outputs.Tensor(new Outputs.Info(d.name(), d.dtype(), out.getInfo().getShape()), floats(out)));
                }
                Outputs all = new Outputs(tensors);
                if (returned == null) returned = all.infos();
                return all;
            }
        } catch (OrtException e) {
            throw new EngineException("model '" + spec.id() + "': ONNX Runtime failed to run a batch of " + feed + ": "
                    + e.getMessage(), e);
        } finally {
            if (input != null && feed != ob.rows()) input.close();
        }
    }

    /** Every value of an output as float32 (one bulk read per tensor). */
    private static float[] floats(OnnxTensor t) {
        switch (t.getInfo().type) {
            case FLOAT: {
                FloatBuffer b = t.getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
            case DOUBLE: {
                java.nio.DoubleBuffer b = t.getDoubleBuffer();
                float[] out = new float[b.remaining()];
                for (int i = 0; i < out.length; i++) out[i] = (float) b.get(i);
                return out;
            }
            case INT32: {
                java.nio.IntBuffer b = t.getIntBuffer();
                float[] out = new float[b.remaining()];
                for (int i = 0; i < out.length; i++) out[i] = b.get(i);
                return out;
            }
            case INT64: {
                java.nio.LongBuffer b = t.getLongBuffer();
                float[] out = new float[b.remaining()];
                for (int i = 0; i < out.length; i++) out[i] = b.get(i);
                return out;
            }
            case UINT8: {
                ByteBuffer b = t.getByteBuffer();
                float[] out = new float[b.remaining()];
                for (int i = 0; i < out.length; i++) out[i] = b.get(i) & 0xff;
                return out;
            }
            default:
                throw new EngineException("output '" + t.getInfo() + "' of type " + t.getInfo().type + " cannot be read");
        }
    }

    @Override
    public long warmUp() {
        long t0 = System.nanoTime();
        try (OrtBatch b = allocateBatch(batchSize())) {
            Pointer.memset(pointerAt(b.address()), 0, batchSize() * writer.rowBytes());
            run(b, batchSize());
        }
        return System.nanoTime() - t0;
    }

    private static Pointer pointerAt(long addr) {
        return new Pointer() { { this.address = addr; } };
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            LOG.debug("closing session: {}", e.getMessage());
        }
    }

    /** The outputs as the first run (the warm-up) returned them. */
    private volatile List<Outputs.Info> returned;

    /** Every tensor output, sorted by name: as the first run (the warm-up) returned it, else as declared. */
    @Override
    public List<Outputs.Info> outputs() {
        List<Outputs.Info> r = returned;
        return r != null ? r : declared;
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    @Override
    public String toString() {
        String b = fixedBatch ? Integer.toString(batchSize()) : "?";
        return spec.id() + " [" + (layout == TensorLayout.NCHW ? b + "x" + channels + "x" + height + "x" + width
                : b + "x" + height + "x" + width + "x" + channels) + " " + layout + "] " + providers;
    }
}
