package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import io.edgesight.preprocess.ChannelOrder;
import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.TensorLayout;
import io.edgesight.preprocess.TensorWriter;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
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

/**
 * A TensorRT engine (a plan built on this GPU for exactly one batch size) with the pipeline's {@link Engine}
 * interface. Batches live in pinned host memory that the preprocessing writes in place; a run copies it to the
 * GPU, executes and copies the decoded output back, all asynchronously on the CUDA stream of one execution
 * context, then waits once. Each run in flight has its own context (device buffers, stream, pinned output); idle
 * contexts and pinned batches are reused, and everything is freed by {@link #close()}. The few calls that differ
 * between TensorRT 8 (binding indices, {@code enqueueV2}) and 10 (tensor names, {@code enqueueV3}) go through the
 * {@link TrtApi} of this jar; the I/O table is {@link TrtIo}'s.
 */
public final class TrtEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(TrtEngine.class);
    public static final String RUNTIME = "tensorrt";
    /** Pinned batches kept for reuse: allocating pinned memory costs milliseconds, a batch arrives every few. */
    private static final int KEPT_BATCHES = 8;

    private final ModelSpec spec;
    private final TrtApi.Plan plan;
    private final TrtIo io;
    private final boolean floatInput;
    private final TensorLayout layout;
    private final int height, width, channels;
    private final Normalization normalization;
    private final TensorWriter writer;
    private final Deque<Context> idle = new ArrayDeque<>();
    private final List<Context> all = new ArrayList<>();
    private final Deque<TrtBatch> freeBatches = new ArrayDeque<>();
    private boolean closed;

    private TrtEngine(ModelSpec spec, TrtApi.Plan plan) {
        this.spec = spec;
        this.plan = plan;
        String id = spec.id();
        this.io = TrtIo.of(spec, plan.tensors());
        this.floatInput = io.input.type() == TrtDataType.FLOAT;
        this.layout = io.layout;
        this.height = io.height;
        this.width = io.width;
        this.channels = 3;
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

    /** Deserializes the plan built on this GPU. */
    static TrtEngine load(ModelSpec spec, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EngineException("model '" + spec.id() + "': cannot read the TensorRT engine " + file + ": " + e.getMessage());
        }
        TrtApi.Plan plan = TrtLibrary.api().deserialize(spec, file, bytes);
        try {
            return new TrtEngine(spec, plan);
        } catch (RuntimeException e) {
            plan.close();
            throw e;
        }
    }

    /** The inspector's JSON for every layer, or null where this TensorRT has no engine inspector (8.0). */
    List<String> layerInformation() {
        return plan.layerInformation();
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
    @Override public String inputName() { return io.input.name(); }
    @Override public String outputName() { return io.output.name(); }

    /** Every output, sorted by name, with its shape at the engine's batch size. */
    @Override
    public List<Outputs.Info> outputs() {
        List<Outputs.Info> infos = new ArrayList<>();
        for (TrtIo.Io o : io.readable()) infos.add(o.info());
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
        final TrtApi.Exec exec;
        final CUstream_st stream = new CUstream_st();
        final List<Pointer> device = new ArrayList<>();
        final Pointer input;
        /** Every output edgesight reads, at this context's shapes, with its device and pinned host buffers, by name. */
        final List<TrtIo.Io> read = new ArrayList<>();
        final List<Pointer> readDevice = new ArrayList<>();
        final List<Pointer> readHost = new ArrayList<>();

        Context() {
            exec = plan.createContext(io);
            if (exec == null) throw new EngineException("model '" + spec.id() + "': TensorRT could not create an execution context (GPU memory?)");
            try {
                Pointer in = null;
                java.util.Map<String, Pointer> byName = new java.util.HashMap<>();
                java.util.Map<String, long[]> shapes = new java.util.HashMap<>();
                for (TrtIo.Tensor t : io.tensors) {
                    long[] shape = exec.shape(t);
                    long bytes = TrtIo.bufferBytes(shape, t.type());
                    Pointer d = new Pointer();
                    TrtLibrary.check(cudaMalloc(d, bytes), "cudaMalloc(" + t.name() + ", " + bytes + " bytes)");
                    device.add(d);
                    exec.bind(t, d);
                    if (t.input()) in = d;
                    byName.put(t.name(), d);
                    shapes.put(t.name(), shape);
                }
                input = in;
                for (TrtIo.Io o : io.readable()) {
                    TrtIo.Io at = o.withShape(shapes.get(o.name()));
                    Pointer h = new Pointer();
                    TrtLibrary.check(cudaMallocHost(h, Math.max(1, at.bytes())), "cudaMallocHost(" + o.name() + ")");
                    read.add(at);
                    readDevice.add(byName.get(o.name()));
                    readHost.add(h);
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
            if (!exec.enqueue(stream)) {
                throw new EngineException("model '" + spec.id() + "': TensorRT could not enqueue the batch: "
                        + String.join("; ", TrtLogger.INSTANCE.recent()));
            }
            for (int i = 0; i < read.size(); i++) {
                TrtLibrary.check(cudaMemcpyAsync(readHost.get(i), readDevice.get(i), read.get(i).bytes(), cudaMemcpyDeviceToHost,
                        stream), "cudaMemcpyAsync from the GPU");
            }
            TrtLibrary.check(cudaStreamSynchronize(stream), "running the batch on the GPU");
            List<Outputs.Tensor> tensors = new ArrayList<>(read.size());
            for (int i = 0; i < read.size(); i++) {
                TrtIo.Io o = read.get(i);
                tensors.add(new Outputs.Tensor(o.info(), floats(readHost.get(i), o)));
            }
            return new Outputs(tensors);
        }

        void free() {
            for (Pointer d : device) cudaFree(d);
            device.clear();
            if (!stream.isNull()) cudaStreamDestroy(stream);
            for (Pointer h : readHost) cudaFreeHost(h);
            readHost.clear();
            if (exec != null) exec.close();
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
    static float[] floats(Pointer host, TrtIo.Io o) {
        int n = Math.toIntExact(o.count());
        float[] f = new float[n];
        switch (o.type()) {
            case FLOAT -> new FloatPointer(host).capacity(n).get(f);
            case INT32 -> {
                int[] v = new int[n];
                new org.bytedeco.javacpp.IntPointer(host).capacity(n).get(v);
                for (int i = 0; i < n; i++) f[i] = v[i];
            }
            case INT64 -> {
                long[] v = new long[n];
                new org.bytedeco.javacpp.LongPointer(host).capacity(n).get(v);
                for (int i = 0; i < n; i++) f[i] = v[i];
            }
            case HALF -> {
                short[] v = new short[n];
                new org.bytedeco.javacpp.ShortPointer(host).capacity(n).get(v);
                for (int i = 0; i < n; i++) f[i] = half(v[i]);
            }
            default -> {
                byte[] v = new byte[n];
                new BytePointer(host).capacity(n).get(v);
                boolean unsigned = o.type() == TrtDataType.UINT8 || o.type() == TrtDataType.BOOL;
                for (int i = 0; i < n; i++) f[i] = unsigned ? (v[i] & 0xff) : v[i];
            }
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
        plan.close();
        LOG.debug("TensorRT engine '{}' closed", spec.id());
    }

    @Override
    public String toString() {
        return spec.id() + " [" + (layout == TensorLayout.NCHW ? spec.batchSize() + "x" + channels + "x" + height + "x" + width
                : spec.batchSize() + "x" + height + "x" + width + "x" + channels) + " " + layout + "] TensorRT "
                + TrtLibrary.status().tensorRtVersion() + " on " + TrtLibrary.status().gpu().name();
    }
}
