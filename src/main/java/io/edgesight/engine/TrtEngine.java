package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

import io.edgesight.preprocess.ChannelOrder;
import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.TensorLayout;
import io.edgesight.preprocess.TensorWriter;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IEngineInspector;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.tensorrt.global.nvinfer.DataType;
import static org.bytedeco.tensorrt.global.nvinfer.LayerInformationFormat;
import static org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import static org.bytedeco.tensorrt.global.nvinfer.createInferRuntime;

/**
 * A TensorRT engine (a plan built on this GPU for exactly one batch size) with the pipeline's {@link Engine}
 * interface. Batches live in pinned host memory that the preprocessing writes in place; a run copies it to the
 * GPU, executes and copies the decoded output back, all asynchronously on the CUDA stream of one execution
 * context, then waits once. Each run in flight has its own context (device buffers, stream, pinned output); idle
 * contexts and pinned batches are reused, and everything is freed by {@link #close()}.
 */
public final class TrtEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(TrtEngine.class);
    public static final String RUNTIME = "tensorrt";
    /** Pinned batches kept for reuse: allocating pinned memory costs milliseconds, a batch arrives every few. */
    private static final int KEPT_BATCHES = 8;

    private final ModelSpec spec;
    private final IRuntime runtime;
    private final ICudaEngine engine;
    private final BytePointer planMemory;
    private final String inputName;
    private final boolean floatInput;
    private final boolean dynamicBatch;
    private final long[] inputShape;
    private final TensorLayout layout;
    private final int height, width, channels;
    private final List<Io> outputs;
    private final Io output;
    private final Normalization normalization;
    private final TensorWriter writer;
    private final Deque<Context> idle = new ArrayDeque<>();
    private final List<Context> all = new ArrayList<>();
    private final Deque<TrtBatch> freeBatches = new ArrayDeque<>();
    private boolean closed;

    /** An I/O tensor of the engine: its name, element type and size, shape at the engine's batch. */
    record Io(String name, int dataType, int elementSize, long[] shape, boolean input) {
        long count() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        long bytes() { return count() * elementSize; }
    }

    private TrtEngine(ModelSpec spec, IRuntime runtime, ICudaEngine engine, BytePointer planMemory) {
        this.spec = spec;
        this.runtime = runtime;
        this.engine = engine;
        this.planMemory = planMemory;
        String id = spec.id();
        List<Io> ins = new ArrayList<>();
        List<Io> outs = new ArrayList<>();
        boolean dynamic = false;
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            long[] shape = TrtBuilder.dims(engine.getTensorShape(name));
            if (shape.length > 0 && shape[0] < 0) {
                dynamic = true;
                shape[0] = spec.batchSize();
            }
            int type = engine.getTensorDataType(name).value;
            boolean in = engine.getTensorIOMode(name).value == TensorIOMode.kINPUT.value;
            Io io = new Io(name, type, elementSize(type), shape, in);
            (in ? ins : outs).add(io);
        }
        if (ins.size() != 1) {
            throw new EngineException("model '" + id + "': the TensorRT engine has " + ins.size() + " inputs; edgesight feeds one image");
        }
        Io in = ins.get(0);
        TrtBuilder.checkShape(spec, in.name(), in.shape());
        if (in.dataType() != DataType.kFLOAT.value && in.dataType() != DataType.kUINT8.value) {
            throw new EngineException("model '" + id + "' input '" + in.name() + "' is " + typeName(in.dataType())
                    + "; edgesight feeds float32 or uint8 images");
        }
        this.inputName = in.name();
        this.inputShape = in.shape();
        this.floatInput = in.dataType() == DataType.kFLOAT.value;
        this.dynamicBatch = dynamic;
        this.layout = inputShape[1] == 3 ? TensorLayout.NCHW : TensorLayout.NHWC;
        this.height = (int) (layout == TensorLayout.NCHW ? inputShape[2] : inputShape[1]);
        this.width = (int) (layout == TensorLayout.NCHW ? inputShape[3] : inputShape[2]);
        this.channels = 3;
        this.outputs = List.copyOf(outs);
        this.output = chooseOutput(spec, outs);
        String where = ModelSpec.PREFIX + id + ".normalize";
        this.normalization = Normalization.of(spec.normalize(), channels, spec.mean(), spec.std(), where);
        if (!floatInput && !normalization.isIdentity()) {
            throw new EngineException("model '" + id + "' takes uint8 pixels; set " + where + "=raw");
        }
        if (normalization.requiresBgr() && spec.channelOrder() != ChannelOrder.BGR) {
            throw new EngineException("model '" + id + "': normalisation caffe works on BGR input; set "
                    + ModelSpec.PREFIX + id + ".channel-order=BGR");
        }
        this.writer = new TensorWriter(height, width, channels, spec.channelOrder(), normalization, floatInput, layout);
    }

    private static Io chooseOutput(ModelSpec spec, List<Io> outs) {
        String id = spec.id();
        List<String> names = new ArrayList<>();
        for (Io o : outs) names.add(o.name());
        String want = spec.output();
        if (want == null) {
            want = new TreeSet<>(names).first();
            if (outs.size() > 1) {
                LOG.warn("model '{}' has outputs {}; decoding '{}' (set {}output to choose)", id, names, want,
                        ModelSpec.PREFIX + id + ".");
            }
        } else if (!names.contains(want)) {
            throw new EngineException("model '" + id + "' has no output '" + want + "'; its outputs are " + names);
        }
        for (Io o : outs) {
            if (o.name().equals(want)) {
                if (dtype(o.dataType()) == null) {
                    throw new EngineException("model '" + id + "' output '" + want + "' is " + typeName(o.dataType())
                            + "; the decoders read numbers (float or integer)");
                }
                return o;
            }
        }
        throw new IllegalStateException(want);
    }

    /** Deserializes the plan built on this GPU. */
    static TrtEngine load(ModelSpec spec, Path plan) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(plan);
        } catch (IOException e) {
            throw new EngineException("model '" + spec.id() + "': cannot read the TensorRT engine " + plan + ": " + e.getMessage());
        }
        TrtLogger log = TrtLogger.INSTANCE;
        int mark = log.mark();
        IRuntime runtime = createInferRuntime(log);
        if (runtime == null || runtime.isNull()) throw new EngineException("model '" + spec.id() + "': createInferRuntime failed");
        BytePointer mem = new BytePointer(bytes);
        ICudaEngine engine = runtime.deserializeCudaEngine(mem, bytes.length);
        if (engine == null || engine.isNull()) {
            runtime.deallocate();
            mem.close();
            throw new EngineException("model '" + spec.id() + "': TensorRT cannot load the engine " + plan
                    + " (built by another TensorRT version or for another GPU?): " + String.join("; ", log.since(mark)));
        }
        try {
            return new TrtEngine(spec, runtime, engine, mem);
        } catch (RuntimeException e) {
            engine.deallocate();
            runtime.deallocate();
            mem.close();
            throw e;
        }
    }

    static int elementSize(int dataType) {
        if (dataType == DataType.kFLOAT.value || dataType == DataType.kINT32.value) return 4;
        if (dataType == DataType.kHALF.value || dataType == DataType.kBF16.value) return 2;
        if (dataType == DataType.kINT64.value) return 8;
        return 1; // kINT8, kUINT8, kBOOL, kFP8 (kINT4 is packed and only used for weights)
    }

    /** The {@link Outputs.Info} type name of a TensorRT data type, or null for types edgesight cannot read. */
    static String dtype(int t) {
        if (t == DataType.kFLOAT.value) return "float32";
        if (t == DataType.kHALF.value) return "float16";
        if (t == DataType.kINT32.value) return "int32";
        if (t == DataType.kINT64.value) return "int64";
        if (t == DataType.kUINT8.value) return "uint8";
        if (t == DataType.kINT8.value) return "int8";
        if (t == DataType.kBOOL.value) return "bool";
        return null;
    }

    static String typeName(int dataType) {
        for (DataType t : DataType.values()) if (t.value == dataType) return t.name().substring(1).toLowerCase(java.util.Locale.ROOT);
        return "type " + dataType;
    }

    /** The inspector's JSON for every layer (the build asked for DETAILED profiling verbosity). */
    List<String> layerInformation() {
        List<String> out = new ArrayList<>();
        IEngineInspector ins = engine.createEngineInspector();
        if (ins == null || ins.isNull()) return out;
        try {
            for (int i = 0; i < engine.getNbLayers(); i++) {
                out.add(ins.getLayerInformation(i, LayerInformationFormat.kJSON));
            }
        } finally {
            ins.deallocate();
        }
        return out;
    }

    @Override public String runtime() { return RUNTIME; }
    @Override public ModelSpec spec() { return spec; }
    @Override public int height() { return height; }
    @Override public int width() { return width; }
    @Override public int channels() { return channels; }
    /** The plan is built for exactly {@link #batchSize()}: partial batches are zero-padded. */
    @Override public boolean fixedBatch() { return true; }
    @Override public TensorLayout layout() { return layout; }
    @Override public TensorWriter writer() { return writer; }
    @Override public Normalization normalization() { return normalization; }
    @Override public String inputName() { return inputName; }
    @Override public String outputName() { return output.name(); }

    /** Every output, sorted by name, with its shape at the engine's batch size. */
    @Override
    public List<Outputs.Info> outputs() {
        List<Outputs.Info> infos = new ArrayList<>();
        for (Io o : outputs) if (dtype(o.dataType()) != null) infos.add(new Outputs.Info(o.name(), dtype(o.dataType()), o.shape()));
        infos.sort(java.util.Comparator.comparing(Outputs.Info::name));
        return infos;
    }

    /** A batch in pinned host memory, so the copy to the GPU runs at full speed and asynchronously. */
    public final class TrtBatch implements BatchMemory {
        private final Pointer host;
        private final int rows;
        private boolean open = true;

        TrtBatch(int rows, Pointer host) {
            this.rows = rows;
            this.host = host;
        }

        @Override public long address() { return host.address(); }
        @Override public int rows() { return rows; }

        TrtEngine outer() { return TrtEngine.this; }

        @Override
        public void close() {
            if (!open) return;
            open = false;
            release(this);
        }
    }

    @Override
    public synchronized TrtBatch allocateBatch(int rows) {
        for (var it = freeBatches.iterator(); it.hasNext(); ) {
            TrtBatch b = it.next();
            if (b.rows == rows) {
                it.remove();
                b.open = true;
                return b;
            }
        }
        Pointer host = new Pointer();
        TrtLibrary.check(cudaMallocHost(host, rows * writer.rowBytes()), "cudaMallocHost(" + rows * writer.rowBytes() + " bytes)");
        return new TrtBatch(rows, host);
    }

    private synchronized void release(TrtBatch b) {
        if (!closed && freeBatches.size() < KEPT_BATCHES) {
            freeBatches.push(b);
        } else {
            cudaFreeHost(b.host);
        }
    }

    /** One execution context with its own device buffers for every I/O tensor, stream and pinned output. */
    private final class Context {
        final IExecutionContext context;
        final CUstream_st stream = new CUstream_st();
        final List<Pointer> device = new ArrayList<>();
        final Pointer input;
        /** Device and pinned host buffers of every output edgesight reads, in {@link #outputs()} order. */
        final List<Io> read = new ArrayList<>();
        final List<Pointer> readDevice = new ArrayList<>();
        final List<Pointer> readHost = new ArrayList<>();

        Context() {
            context = engine.createExecutionContext();
            if (context == null || context.isNull()) throw new EngineException("model '" + spec.id() + "': TensorRT could not create an execution context (GPU memory?)");
            try {
                if (dynamicBatch && !context.setInputShape(inputName, TrtBuilder.dims(inputShape, spec.batchSize()))) {
                    throw new EngineException("model '" + spec.id() + "': TensorRT refused input shape " + Arrays.toString(inputShape));
                }
                Pointer in = null;
                java.util.Map<String, Pointer> byName = new java.util.HashMap<>();
                for (int i = 0; i < engine.getNbIOTensors(); i++) {
                    String name = engine.getIOTensorName(i);
                    long[] shape = TrtBuilder.dims(context.getTensorShape(name));
                    long count = 1;
                    for (long d : shape) count *= Math.max(d, 1);
                    long bytes = count * elementSize(engine.getTensorDataType(name).value);
                    Pointer d = new Pointer();
                    TrtLibrary.check(cudaMalloc(d, Math.max(bytes, 1)), "cudaMalloc(" + name + ", " + bytes + " bytes)");
                    device.add(d);
                    if (!context.setTensorAddress(name, d)) throw new EngineException("TensorRT: setTensorAddress(" + name + ") failed");
                    if (name.equals(inputName)) in = d;
                    byName.put(name, d);
                }
                input = in;
                for (Outputs.Info info : outputs()) {
                    for (Io o : outputs) {
                        if (!o.name().equals(info.name())) continue;
                        Pointer h = new Pointer();
                        TrtLibrary.check(cudaMallocHost(h, Math.max(1, o.bytes())), "cudaMallocHost(" + o.name() + ")");
                        read.add(o);
                        readDevice.add(byName.get(o.name()));
                        readHost.add(h);
                    }
                }
                TrtLibrary.check(cudaStreamCreate(stream), "cudaStreamCreate");
            } catch (RuntimeException e) {
                free();
                throw e;
            }
        }

        Outputs run(long hostInput) {
            long inBytes = writer.rowBytes() * spec.batchSize();
            TrtLibrary.check(cudaMemcpyAsync(input, pointerAt(hostInput), inBytes, cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync to the GPU");
            if (!context.enqueueV3(stream)) {
                throw new EngineException("model '" + spec.id() + "': TensorRT could not enqueue the batch: "
                        + String.join("; ", TrtLogger.INSTANCE.since(Math.max(0, TrtLogger.INSTANCE.mark() - 3))));
            }
            for (int i = 0; i < read.size(); i++) {
                TrtLibrary.check(cudaMemcpyAsync(readHost.get(i), readDevice.get(i), read.get(i).bytes(), cudaMemcpyDeviceToHost,
                        stream), "cudaMemcpyAsync from the GPU");
            }
            TrtLibrary.check(cudaStreamSynchronize(stream), "running the batch on the GPU");
            List<Outputs.Tensor> tensors = new ArrayList<>(read.size());
            for (int i = 0; i < read.size(); i++) {
                Io o = read.get(i);
                tensors.add(new Outputs.Tensor(new Outputs.Info(o.name(), dtype(o.dataType()), o.shape()),
                        floats(readHost.get(i), o)));
            }
            return new Outputs(tensors);
        }

        void free() {
            for (Pointer d : device) cudaFree(d);
            device.clear();
            if (!stream.isNull()) cudaStreamDestroy(stream);
            for (Pointer h : readHost) cudaFreeHost(h);
            readHost.clear();
            if (context != null) context.deallocate();
        }
    }

    private synchronized Context borrow() {
        if (closed) throw new EngineException("model '" + spec.id() + "': the TensorRT engine is closed");
        Context c = idle.poll();
        if (c != null) return c;
        c = new Context();
        all.add(c);
        return c;
    }

    private synchronized void giveBack(Context c) {
        if (closed) return;
        idle.push(c);
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float half(short h) {
        int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
        float v;
        if (exp == 0) v = (float) (mant * Math.pow(2, -24));
        else if (exp == 31) v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        else v = (float) ((1 + mant / 1024.0) * Math.pow(2, exp - 15));
        return sign == 1 ? -v : v;
    }

    /** An output's values as float32 (integer class ids and counts stay exact below 2^24). */
    static float[] floats(Pointer host, Io o) {
        int n = Math.toIntExact(o.count());
        float[] f = new float[n];
        int t = o.dataType();
        if (t == DataType.kFLOAT.value) {
            new FloatPointer(host).capacity(n).get(f);
        } else if (t == DataType.kINT32.value) {
            int[] v = new int[n];
            new org.bytedeco.javacpp.IntPointer(host).capacity(n).get(v);
            for (int i = 0; i < n; i++) f[i] = v[i];
        } else if (t == DataType.kINT64.value) {
            long[] v = new long[n];
            new org.bytedeco.javacpp.LongPointer(host).capacity(n).get(v);
            for (int i = 0; i < n; i++) f[i] = v[i];
        } else if (t == DataType.kHALF.value) {
            short[] v = new short[n];
            new org.bytedeco.javacpp.ShortPointer(host).capacity(n).get(v);
            for (int i = 0; i < n; i++) f[i] = half(v[i]);
        } else {
            byte[] v = new byte[n];
            new BytePointer(host).capacity(n).get(v);
            boolean unsigned = t == DataType.kUINT8.value || t == DataType.kBOOL.value;
            for (int i = 0; i < n; i++) f[i] = unsigned ? (v[i] & 0xff) : v[i];
        }
        return f;
    }

    @Override
    public Outputs runAll(BatchMemory batch, int rows) {
        if (!(batch instanceof TrtBatch tb) || tb.outer() != this) {
            throw new IllegalArgumentException("model '" + spec.id() + "': a TensorRT engine runs batches it allocated, got " + batch);
        }
        if (rows < 1 || rows > spec.batchSize()) throw new IllegalArgumentException("rows " + rows + " of " + spec.batchSize());
        long rowBytes = writer.rowBytes();
        if (rows < spec.batchSize()) {
            Pointer.memset(pointerAt(tb.address() + rows * rowBytes), 0, (spec.batchSize() - rows) * rowBytes);
        }
        Context c = borrow();
        try {
            return c.run(tb.address());
        } finally {
            giveBack(c);
        }
    }

    @Override
    public long warmUp() {
        long t0 = System.nanoTime();
        try (TrtBatch b = allocateBatch(batchSize())) {
            Pointer.memset(pointerAt(b.address()), 0, batchSize() * writer.rowBytes());
            run(b, batchSize());
        }
        return System.nanoTime() - t0;
    }

    private static Pointer pointerAt(long addr) {
        return new Pointer() { { this.address = addr; } };
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Context c : all) c.free();
        all.clear();
        idle.clear();
        for (TrtBatch b : freeBatches) cudaFreeHost(b.host);
        freeBatches.clear();
        engine.deallocate();
        runtime.deallocate();
        planMemory.close();
        LOG.debug("TensorRT engine '{}' closed", spec.id());
    }

    @Override
    public String toString() {
        return spec.id() + " [" + (layout == TensorLayout.NCHW ? spec.batchSize() + "x" + channels + "x" + height + "x" + width
                : spec.batchSize() + "x" + height + "x" + width + "x" + channels) + " " + layout + "] TensorRT "
                + TrtLibrary.status().tensorRtVersion() + " on " + TrtLibrary.status().gpu().name();
    }
}
