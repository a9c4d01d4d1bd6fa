package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.nvinfer.Dims32;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.tensorrt.global.nvinfer.BuilderFlag;
import static org.bytedeco.tensorrt.global.nvinfer.NetworkDefinitionCreationFlag;
import static org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import static org.bytedeco.tensorrt.global.nvinfer.createInferBuilder;
import static org.bytedeco.tensorrt.global.nvinfer.createInferRuntime;
import static org.bytedeco.tensorrt.global.nvonnxparser.createParser;

/**
 * The TensorRT 8 API, as JetPack 4.6 (TensorRT 8.0/8.2, bindings {@code org.bytedeco:tensorrt} 8.0-1.5.6) and
 * JetPack 5.1 (8.4/8.5, bindings 8.4-1.5.8) have it: an explicit-batch network from the ONNX parser, the workspace
 * by {@code IBuilderConfig.setMaxWorkspaceSize} (memory-pool limits came with 8.4, name-based I/O with 8.5), I/O by
 * binding index ({@code getNbBindings}, {@code getBindingName}, {@code bindingIsInput}, {@code getBindingDimensions},
 * {@code getBindingDataType}), the dynamic batch by {@code setBindingDimensions} on the context, and runs by
 * {@code enqueueV2} with an array of device pointers indexed by binding. Written to the 8.0 bindings, which the 8.4
 * ones keep, so one source serves both jars; 8.0 has no engine inspector, so no layer list.
 *
 * <p>Compiled only by the pom's jetpack4 and jetpack5 profiles (source folder src/trt8/java). Not verified on a
 * board or GPU: no Jetson or TensorRT 8 machine was available to this project (docs/JETSON.md).
 */
final class Trt8Api implements TrtApi {
    private static final Logger LOG = LoggerFactory.getLogger(Trt8Api.class);

    /** TensorRT's logger: forwards to the one process-wide sink. */
    static final class Sink extends ILogger {
        static final Sink INSTANCE = new Sink();

        @Override
        public void log(Severity severity, String msg) {
            TrtLogger.INSTANCE.log(severity.value, msg);
        }
    }

    @Override public int major() { return 8; }

    @Override
    public void load() {
        Loader.load(org.bytedeco.tensorrt.global.nvinfer.class);
        Loader.load(org.bytedeco.tensorrt.global.nvonnxparser.class);
    }

    @Override
    public int libraryVersion() {
        return org.bytedeco.tensorrt.global.nvinfer.getInferLibVersion();
    }

    /** What must be destroyed, last made first (TensorRT 8 objects are freed by destroy()). */
    private static final class Owned {
        final List<Runnable> destroy = new ArrayList<>();

        <P extends Pointer> P add(P p, String what, Runnable d) {
            if (p == null || p.isNull()) {
                List<String> errors = TrtLogger.INSTANCE.recent();
                throw new EngineException("TensorRT: " + what + " returned nothing" + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)));
            }
            destroy.add(d);
            return p;
        }

        void close() {
            for (int i = destroy.size() - 1; i >= 0; i--) destroy.get(i).run();
        }
    }

    @Override
    public TrtBuilder.Built build(ModelSpec spec, EngineOptions options, Path target, Path timingCache, long t0) throws IOException {
        String id = spec.id();
        TrtLogger log = TrtLogger.INSTANCE;
        Owned owned = new Owned();
        try {
            IBuilder builder = createInferBuilder(Sink.INSTANCE);
            owned.add(builder, "createInferBuilder", () -> builder.destroy());
            // the ONNX parser of TensorRT 8 needs an explicit-batch network
            INetworkDefinition network = builder.createNetworkV2(1 << NetworkDefinitionCreationFlag.kEXPLICIT_BATCH.value);
            owned.add(network, "createNetworkV2", () -> network.destroy());
            IParser parser = createParser(network, Sink.INSTANCE);
            owned.add(parser, "nvonnxparser.createParser", () -> parser.destroy());
            EngineCache.stage(id, "TensorRT " + TrtLibrary.status().tensorRtVersion() + ": parsing " + spec.path(), t0);
            int mark = log.mark();
            if (!parser.parseFromFile(spec.path().toAbsolutePath().toString(), TrtLogger.WARNING)) {
                throw new EngineException(parseErrors(spec, parser, log.since(mark)));
            }
            ITensor input = checkInput(spec, network);
            long[] shape = dims(input.getDimensions());
            List<String> outputs = new ArrayList<>();
            for (int i = 0; i < network.getNbOutputs(); i++) outputs.add(network.getOutput(i).getName());

            IBuilderConfig config = builder.createBuilderConfig();
            owned.add(config, "createBuilderConfig", () -> config.destroy());
            config.setMaxWorkspaceSize(options.maxWorkspaceBytes());
            boolean fastFp16 = builder.platformHasFastFp16();
            if (spec.precision() == Precision.FP16) {
                if (!fastFp16) LOG.warn("engine '{}': this GPU has no fast FP16; TensorRT may keep every layer in FP32", id);
                config.setFlag(BuilderFlag.kFP16);
            }
            if (shape[0] < 0) {
                IOptimizationProfile profile = builder.createOptimizationProfile();
                Dims32 d = dims(at(shape, spec.batchSize()));
                profile.setDimensions(input.getName(), OptProfileSelector.kMIN, d);
                profile.setDimensions(input.getName(), OptProfileSelector.kOPT, d);
                profile.setDimensions(input.getName(), OptProfileSelector.kMAX, d);
                config.addOptimizationProfile(profile);
            }
            byte[] cacheBytes = TrtBuilder.readTimingCache(timingCache);
            BytePointer cacheData = cacheBytes.length == 0 ? null : new BytePointer(cacheBytes);
            ITimingCache cache = config.createTimingCache(cacheData, cacheBytes.length);
            if (cache != null && !cache.isNull()) config.setTimingCache(cache, false);

            EngineCache.stage(id, TrtBuilder.buildingStage(spec, options, network.getNbLayers(), cacheBytes.length), t0);
            long b0 = System.nanoTime();
            IHostMemory plan;
            mark = log.mark();
            Thread heartbeat = TrtBuilder.heartbeat(id, t0, b0);
            try {
                plan = builder.buildSerializedNetwork(network, config);
            } finally {
                heartbeat.interrupt();
            }
            double seconds = (System.nanoTime() - b0) / 1e9;
            if (plan == null || plan.isNull() || plan.size() == 0) {
                List<String> errors = log.since(mark);
                throw new EngineException("model '" + id + "': TensorRT could not build an engine"
                        + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)));
            }
            IHostMemory serialized = plan;
            owned.add(serialized, "plan", () -> serialized.destroy());
            long size = plan.size();
            TrtBuilder.write(target.resolve(TrtBuilder.PLAN), plan.data(), size);
            ITimingCache used = config.getTimingCache();
            IHostMemory updated = used == null || used.isNull() ? null : used.serialize();
            if (updated != null && !updated.isNull()) {
                owned.add(updated, "timing cache", () -> updated.destroy());
                TrtBuilder.write(timingCache, updated.data(), updated.size());
            }
            EngineCache.stage(id, String.format("TensorRT built the engine in %.1f s: %d MB", seconds, size >> 20), t0);
            return new TrtBuilder.Built(input.getName(), shape, outputs, network.getNbLayers(), seconds, size, fastFp16);
        } finally {
            owned.close();
        }
    }

    /** The parser's own errors, one line each (TensorRT 8's parser errors name the node by index only). */
    private static String parseErrors(ModelSpec spec, IParser parser, List<String> logged) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            IParserError e = parser.getError(i);
            lines.add(TrtBuilder.parserError(String.valueOf(e.code()), e.desc(), e.node(), "", ""));
        }
        if (lines.isEmpty()) lines.addAll(logged);
        return TrtBuilder.parseErrors(spec, lines);
    }

    private static ITensor checkInput(ModelSpec spec, INetworkDefinition network) {
        int n = network.getNbInputs();
        if (n != 1) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) names.add(network.getInput(i).getName());
            throw new EngineException("model '" + spec.id() + "' has " + n + " inputs " + names
                    + "; edgesight feeds one image tensor [batch, 3, height, width] or [batch, height, width, 3]");
        }
        ITensor in = network.getInput(0);
        TrtBuilder.checkShape(spec, in.getName(), dims(in.getDimensions()));
        return in;
    }

    static long[] dims(Dims32 d) {
        long[] s = new long[d.nbDims()];
        for (int i = 0; i < s.length; i++) s[i] = d.d(i);
        return s;
    }

    static Dims32 dims(long[] shape) {
        Dims32 d = new Dims32();
        d.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) d.d(i, Math.toIntExact(shape[i]));
        return d;
    }

    private static long[] at(long[] shape, int batch) {
        long[] s = shape.clone();
        s[0] = batch;
        return s;
    }

    @Override
    public Plan deserialize(ModelSpec spec, Path file, byte[] bytes) {
        TrtLogger log = TrtLogger.INSTANCE;
        int mark = log.mark();
        IRuntime runtime = createInferRuntime(Sink.INSTANCE);
        if (runtime == null || runtime.isNull()) throw new EngineException("model '" + spec.id() + "': createInferRuntime failed");
        BytePointer mem = new BytePointer(bytes);
        ICudaEngine engine = runtime.deserializeCudaEngine(mem, bytes.length);
        if (engine == null || engine.isNull()) {
            runtime.destroy();
            mem.close();
            throw new EngineException("model '" + spec.id() + "': TensorRT cannot load the engine " + file
                    + " (built by another TensorRT version or for another GPU?): " + String.join("; ", log.since(mark)));
        }
        return new Plan8(runtime, engine, mem);
    }

    private static final class Plan8 implements Plan {
        final IRuntime runtime;
        final ICudaEngine engine;
        final BytePointer mem;

        Plan8(IRuntime runtime, ICudaEngine engine, BytePointer mem) {
            this.runtime = runtime;
            this.engine = engine;
            this.mem = mem;
        }

        /** The bindings of optimisation profile 0: TensorRT 8 repeats every I/O tensor once per profile. */
        @Override
        public List<TrtIo.Tensor> tensors() {
            int perProfile = engine.getNbBindings() / Math.max(1, engine.getNbOptimizationProfiles());
            List<TrtIo.Tensor> t = new ArrayList<>();
            for (int i = 0; i < perProfile; i++) {
                t.add(new TrtIo.Tensor(i, engine.getBindingName(i), dims(engine.getBindingDimensions(i)),
                        TrtDataType.of(engine.getBindingDataType(i).value), engine.bindingIsInput(i)));
            }
            return t;
        }

        @Override
        public List<String> layerInformation() {
            return null; // IEngineInspector came with TensorRT 8.2; the 8.0 bindings have none
        }

        @Override
        public Exec createContext(TrtIo io) {
            IExecutionContext c = engine.createExecutionContext();
            if (c == null || c.isNull()) return null;
            if (io.dynamicBatch && (!c.setBindingDimensions(io.input.index(), dims(io.inputShape()))
                    || !c.allInputDimensionsSpecified())) {
                c.destroy();
                throw new EngineException("TensorRT refused input shape " + Arrays.toString(io.inputShape()) + ": "
                        + String.join("; ", TrtLogger.INSTANCE.recent()));
            }
            PointerPointer<Pointer> bindings = new PointerPointer<>(engine.getNbBindings());
            return new Exec() {
                @Override public long[] shape(TrtIo.Tensor t) { return dims(c.getBindingDimensions(t.index())); }

                @Override public void bind(TrtIo.Tensor t, Pointer device) { bindings.put(t.index(), device); }

                @Override public boolean enqueue(CUstream_st stream) { return c.enqueueV2(bindings, stream, (CUevent_st) null); }

                @Override
                public void close() {
                    c.destroy();
                    bindings.close();
                }
            };
        }

        @Override
        public void close() {
            engine.destroy();
            runtime.destroy();
            mem.close();
        }
    }
}
