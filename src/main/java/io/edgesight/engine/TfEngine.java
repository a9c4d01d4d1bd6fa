package io.edgesight.engine;

import java.nio.file.Files;
import java.util.Map;
import java.util.TreeSet;

import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.TensorLayout;
import io.edgesight.preprocess.TensorWriter;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.TensorMemory;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A SavedModel loaded in TensorFlow Java for one batch size: knows its image input (read from the
 * {@code serving_default} signature), allocates batch tensors and runs them.
 */
public final class TfEngine implements Engine {
    public static final String RUNTIME = "tensorflow";

    private static final Logger LOG = LoggerFactory.getLogger(TfEngine.class);

    private final ModelSpec spec;
    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final String inputKey;
    private final String outputKey;
    /** Every numeric output of the signature, sorted by name, as declared. */
    private final java.util.List<Outputs.Info> declared;
    private final boolean floatInput;
    private final boolean fixedBatch;
    private final int height, width, channels;
    private final TensorWriter writer;
    private final Normalization normalization;
    /** The outputs as the first run (the warm-up) returned them. */
    private volatile java.util.List<Outputs.Info> returned;

    private TfEngine(ModelSpec spec, SavedModelBundle bundle, SessionFunction function, String inputKey,
                     String outputKey, java.util.List<Outputs.Info> declared, boolean floatInput, boolean fixedBatch, int height, int width, int channels) {
        this.spec = spec;
        this.bundle = bundle;
        this.function = function;
        this.inputKey = inputKey;
        this.outputKey = outputKey;
        this.declared = declared;
        this.floatInput = floatInput;
        this.fixedBatch = fixedBatch;
        this.height = height;
        this.width = width;
        this.channels = channels;
        String where = ModelSpec.PREFIX + spec.id() + ".normalize";
        this.normalization = Normalization.of(spec.normalize(), channels, spec.mean(), spec.std(), where);
        if (!floatInput && !normalization.isIdentity()) {
            throw new EngineException("model '" + spec.id() + "' takes uint8 pixels; set " + where + "=raw");
        }
        if (normalization.requiresBgr() && spec.channelOrder() != io.edgesight.preprocess.ChannelOrder.BGR) {
            throw new EngineException("model '" + spec.id() + "': normalisation caffe works on BGR input; set "
                    + ModelSpec.PREFIX + spec.id() + ".channel-order=BGR");
        }
        this.writer = new TensorWriter(height, width, channels, spec.channelOrder(), normalization, floatInput);
    }

    /** Loads the model straight from its own directory with default CPU settings (benchmarks, tests). */
    public static TfEngine load(ModelSpec spec) {
        checkModelDir(spec);
        return load(spec, spec.path(), TfConfig.build(spec.threads(), spec.precision(), EngineOptions.defaults(), false));
    }

    /** A user-facing error unless {@code spec.path()} looks like a SavedModel. */
    public static void checkModelDir(ModelSpec spec) {
        String id = spec.id();
        String key = ModelSpec.PREFIX + id + ".path";
        if (!Files.isDirectory(spec.path())) {
            throw new EngineException("model '" + id + "': SavedModel directory " + spec.path().toAbsolutePath()
                    + " does not exist; check " + key);
        }
        if (!Files.isRegularFile(spec.path().resolve("saved_model.pb"))) {
            throw new EngineException("model '" + id + "': " + spec.path() + " is not a SavedModel (no saved_model.pb); check " + key);
        }
    }

    /** Loads a SavedModel directory (the model's own or an engine's copy) with the given session config. */
    public static TfEngine load(ModelSpec spec, java.nio.file.Path dir, ConfigProto config) {
        String id = spec.id();
        if (!TensorRt.available() && TensorRt.convertedModel(dir)) {
            throw new EngineException("model '" + id + "' in " + dir + " was converted by TF-TRT (it contains "
                    + TensorRt.TRT_OP + " nodes) and cannot run here: " + TensorRt.missingMessage()
                    .replace(" Set edgesight.engine.tensorrt=auto to run native TensorFlow instead.", "")
                    + " Point the model path at the original SavedModel instead.");
        }
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(dir.toString()).withTags("serve").withConfigProto(config).load();
        } catch (RuntimeException e) {
            throw new EngineException("model '" + id + "': TensorFlow cannot load " + dir + ": " + firstLine(e.getMessage()));
        }
        try {
            return inspect(spec, bundle);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    private static TfEngine inspect(ModelSpec spec, SavedModelBundle bundle) {
        String id = spec.id();
        SessionFunction fn;
        try {
            fn = bundle.function(Signature.DEFAULT_KEY);
        } catch (RuntimeException e) {
            TreeSet<String> keys = new TreeSet<>();
            bundle.signatures().forEach(s -> keys.add(s.key()));
            throw new EngineException("model '" + id + "' has no '" + Signature.DEFAULT_KEY + "' signature (it has " + keys + ")");
        }
        Signature sig = fn.signature();
        Map<String, Signature.TensorDescription> inputs = sig.getInputs();
        if (inputs.size() != 1) {
            throw new EngineException("model '" + id + "' has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; edgesight feeds one image tensor [batch, height, width, 3]");
        }
        Map.Entry<String, Signature.TensorDescription> in = inputs.entrySet().iterator().next();
        Shape shape = in.getValue().shape;
        DataType dt = in.getValue().dataType;
        boolean image = shape.numDimensions() == 4 && shape.size(1) > 0 && shape.size(2) > 0 && shape.size(3) == 3
                && (dt == DataType.DT_FLOAT || dt == DataType.DT_UINT8);
        if (!image) {
            throw new EngineException("model '" + id + "' input '" + in.getKey() + "' is " + dt + " " + shape
                    + ", not an image tensor [batch, height, width, 3] of float32 or uint8");
        }
        long batchDim = shape.size(0);
        if (batchDim > 0 && batchDim != spec.batchSize()) {
            throw new EngineException("model '" + id + "' takes batches of exactly " + batchDim + " but "
                    + ModelSpec.PREFIX + id + ".batch-size is " + spec.batchSize() + "; set it to " + batchDim
                    + " or export the model with a dynamic batch dimension");
        }
        Map<String, Signature.TensorDescription> outputs = sig.getOutputs();
        java.util.List<Outputs.Info> declared = new java.util.ArrayList<>();
        TreeSet<String> skipped = new TreeSet<>();
        for (String name : new TreeSet<>(outputs.keySet())) {
            Signature.TensorDescription d = outputs.get(name);
            String type = dtype(d.dataType);
            if (type == null) {
                skipped.add(name + " (" + d.dataType + ")");
                continue;
            }
            long[] dims = d.shape.isUnknown() ? new long[0] : d.shape.asArray();
            declared.add(new Outputs.Info(name, type, dims == null ? new long[0] : dims));
        }
        if (!skipped.isEmpty()) LOG.info("model '{}': outputs {} are not numeric tensors and are not read", id, skipped);
        String out = spec.output();
        if (out == null) {
            if (declared.isEmpty()) {
                throw new EngineException("model '" + id + "' has no numeric output (its outputs are " + outputs.keySet() + ")");
            }
            out = declared.get(0).name();
        } else if (!outputs.containsKey(out)) {
            throw new EngineException("model '" + id + "' has no output '" + out + "'; its outputs are " + outputs.keySet());
        } else if (dtype(outputs.get(out).dataType) == null) {
            throw new EngineException("model '" + id + "' output '" + out + "' is " + outputs.get(out).dataType
                    + "; edgesight reads float, double, int32, int64 and uint8 outputs");
        }
        return new TfEngine(spec, bundle, fn, in.getKey(), out, java.util.List.copyOf(declared), dt == DataType.DT_FLOAT, batchDim > 0,
                (int) shape.size(1), (int) shape.size(2), (int) shape.size(3));
    }

    @Override public String runtime() { return RUNTIME; }
    @Override public ModelSpec spec() { return spec; }
    @Override public int height() { return height; }
    @Override public int width() { return width; }
    @Override public int channels() { return channels; }
    @Override public int batchSize() { return spec.batchSize(); }
    @Override public boolean fixedBatch() { return fixedBatch; }
    @Override public TensorLayout layout() { return TensorLayout.NHWC; }
    @Override public TensorWriter writer() { return writer; }
    @Override public Normalization normalization() { return normalization; }
    @Override public String inputName() { return inputKey; }
    @Override public String outputName() { return outputKey; }

    /** Every numeric output, sorted by name: as the first run (the warm-up) returned it, else as declared. */
    @Override
    public java.util.List<Outputs.Info> outputs() {
        java.util.List<Outputs.Info> r = returned;
        return r != null ? r : declared;
    }

    /** The element type edgesight reads an output of as, or null for outputs it does not read. */
    static String dtype(DataType t) {
        return switch (t) {
            case DT_FLOAT -> "float32";
            case DT_DOUBLE -> "float64";
            case DT_INT32 -> "int32";
            case DT_INT64 -> "int64";
            case DT_UINT8 -> "uint8";
            default -> null;
        };
    }

    /** Batch memory backed by a TensorFlow tensor (TF Java owns the buffer; closing the batch closes the tensor). */
    public static final class TfBatch implements BatchMemory {
        private final Tensor tensor;
        private final int rows;
        private final long address;

        TfBatch(Tensor tensor, int rows) {
            this.tensor = tensor;
            this.rows = rows;
            this.address = TensorMemory.address(tensor);
        }

        public Tensor tensor() { return tensor; }
        @Override public long address() { return address; }
        @Override public int rows() { return rows; }
        @Override public void close() { tensor.close(); }
    }

    /** Memory for a full batch, a TensorFlow tensor underneath; rows are written with {@link #writer()}. The caller closes it. */
    @Override
    public TfBatch allocateBatch(int rows) {
        return new TfBatch(allocateTensor(rows), rows);
    }

    /** A tensor of {@code rows} images. The caller closes it. */
    public Tensor allocateTensor(int rows) {
        Shape shape = Shape.of(rows, height, width, channels);
        return floatInput ? TFloat32.tensorOf(shape) : TUint8.tensorOf(shape);
    }

    @Override
    public Outputs runAll(BatchMemory batch, int rows) {
        if (!(batch instanceof TfBatch tb)) {
            throw new IllegalArgumentException("model '" + spec.id() + "': a TensorFlow engine runs batches it allocated, got " + batch);
        }
        return runAll(tb.tensor(), rows);
    }

    /** The primary output of {@link #runAll(Tensor, int)}: one row per filled row. */
    public float[][] run(Tensor batch, int rows) {
        return runAll(batch, rows).rows(outputKey, rows);
    }

    /**
     * Runs {@code rows} filled rows of {@code batch} (capacity {@link #batchSize()}). A fixed-batch model gets
     * the padding rows zeroed; a dynamic one gets a tensor of exactly {@code rows}. Returns every output.
     */
    public Outputs runAll(Tensor batch, int rows) {
        long rowBytes = writer.rowBytes();
        long base = TensorMemory.address(batch);
        Tensor input = batch;
        try {
            if (rows < batchSize()) {
                if (fixedBatch) {
                    Pointer.memset(pointerAt(base + rows * rowBytes), 0, (batchSize() - rows) * rowBytes);
                } else {
                    input = allocateTensor(rows);
                    Pointer.memcpy(pointerAt(TensorMemory.address(input)), pointerAt(base), rows * rowBytes);
                }
            }
            try (Result result = function.call(Map.of(inputKey, input))) {
                java.util.List<Outputs.Tensor> tensors = new java.util.ArrayList<>(declared.size());
                for (Outputs.Info d : declared) {
                    Tensor out = result.get(d.name()).orElseThrow(
                            () -> new EngineException("model '" + spec.id() + "' returned no '" + d.name() + "'"));
                    tensors.add(new Outputs.Tensor(new Outputs.Info(d.name(), d.dtype(), out.shape().asArray()), floats(out)));
                }
                Outputs all = new Outputs(tensors);
                if (returned == null) returned = all.infos();
                return all;
            }
        } finally {
            if (input != batch) input.close();
        }
    }

    /** Every value of a numeric tensor as float32 (one bulk copy per tensor). */
    private static float[] floats(Tensor t) {
        int n = (int) t.shape().size();
        float[] out = new float[n];
        switch (t.dataType()) {
            case DT_FLOAT -> ((TFloat32) t).copyTo(DataBuffers.of(out, false, false));
            case DT_DOUBLE -> {
                double[] v = new double[n];
                ((org.tensorflow.types.TFloat64) t).copyTo(DataBuffers.of(v, false, false));
                for (int i = 0; i < n; i++) out[i] = (float) v[i];
            }
            case DT_INT32 -> {
                int[] v = new int[n];
                ((org.tensorflow.types.TInt32) t).copyTo(DataBuffers.of(v, false, false));
                for (int i = 0; i < n; i++) out[i] = v[i];
            }
            case DT_INT64 -> {
                long[] v = new long[n];
                ((org.tensorflow.types.TInt64) t).copyTo(DataBuffers.of(v, false, false));
                for (int i = 0; i < n; i++) out[i] = v[i];
            }
            case DT_UINT8 -> {
                byte[] v = new byte[n];
                ((TUint8) t).copyTo(DataBuffers.of(v, false, false));
                for (int i = 0; i < n; i++) out[i] = v[i] & 0xff;
            }
            default -> throw new EngineException("output of type " + t.dataType() + " cannot be read");
        }
        return out;
    }

    /**
     * Runs the batch once with partition graphs returned and counts the TensorRT segments TensorFlow really
     * executed: zero after a TF-TRT build means everything fell back to native TensorFlow.
     */
    public int countTrtSegments(Tensor batch) {
        Signature.TensorDescription in = function.signature().getInputs().get(inputKey);
        Signature.TensorDescription out = function.signature().getOutputs().get(outputKey);
        try (Result r = bundle.session().runner().feed(in.name, batch).fetch(out.name)
                .setOptions(org.tensorflow.proto.RunOptions.newBuilder().setOutputPartitionGraphs(true).build())
                .runAndFetchMetadata()) {
            return r.getMetadata().map(TensorRt::countSegments).orElse(0);
        }
    }

    /** Runs one all-zero batch of the exact engine shape, so the first camera frame does not pay for graph setup. */
    @Override
    public long warmUp() {
        long t0 = System.nanoTime();
        try (Tensor t = allocateTensor(batchSize())) {
            Pointer.memset(pointerAt(TensorMemory.address(t)), 0, batchSize() * writer.rowBytes());
            run(t, batchSize());
        }
        return System.nanoTime() - t0;
    }

    private static Pointer pointerAt(long addr) {
        return new Pointer() { { this.address = addr; } };
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        bundle.close();
    }

    @Override
    public String toString() {
        return spec.id() + " [" + (fixedBatch ? batchSize() : "?") + "x" + height + "x" + width + "x" + channels + "]";
    }
}
