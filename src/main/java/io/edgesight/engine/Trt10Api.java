package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IEngineInspector;
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
import static org.bytedeco.tensorrt.global.nvinfer.LayerInformationFormat;
import static org.bytedeco.tensorrt.global.nvinfer.MemoryPoolType;
import static org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import static org.bytedeco.tensorrt.global.nvinfer.ProfilingVerbosity;
import static org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import static org.bytedeco.tensorrt.global.nvinfer.createInferBuilder;
import static org.bytedeco.tensorrt.global.nvinfer.createInferRuntime;
import static org.bytedeco.tensorrt.global.nvonnxparser.createParser;

/**
 * The TensorRT 10 API ({@code org.bytedeco:tensorrt} 10.6): I/O tensors by name, the workspace as a memory-pool
 * limit, addresses set per tensor and {@code enqueueV3}, the engine inspector for the layer list. In every jar but
 * the JetPack 4 and 5 ones (their pom profiles compile {@code Trt8Api} instead).
 */
final class Trt10Api implements TrtApi {
    private static final Logger LOG = LoggerFactory.getLogger(Trt10Api.class);

    /** TensorRT's logger: forwards to the one process-wide sink. */
    static final class Sink extends ILogger {
        static final Sink INSTANCE = new Sink();

        @Override
        public void log(Severity severity, String msg) {
            TrtLogger.INSTANCE.log(severity.value, msg);
        }
    }

    @Override public int major() { return 10; }

    @Override
    public void load() {
        Loader.load(org.bytedeco.tensorrt.global.nvinfer.class);
        Loader.load(org.bytedeco.tensorrt.global.nvonnxparser.class);
    }

    @Override
    public int libraryVersion() {
        return org.bytedeco.tensorrt.global.nvinfer.getInferLibVersion();
    }

    @Override
    public TrtBuilder.Built build(ModelSpec spec, EngineOptions options, Path target, Path timingCache, long t0) throws IOException {
        String id = spec.id();
        TrtLogger log = TrtLogger.INSTANCE;
        List<Pointer> owned = new ArrayList<>();
        try {
            IBuilder builder = own(owned, createInferBuilder(Sink.INSTANCE), "createInferBuilder");
            // TensorRT 10 networks are explicit-batch; flag 0 = weakly typed, so the FP16 builder flag applies
            INetworkDefinition network = own(owned, builder.createNetworkV2(0), "createNetworkV2");
            IParser parser = own(owned, createParser(network, Sink.INSTANCE), "nvonnxparser.createParser");
            EngineCache.stage(id, "TensorRT " + TrtLibrary.status().tensorRtVersion() + ": parsing " + spec.path(), t0);
            int mark = log.mark();
            if (!parser.parseFromFile(spec.path().toAbsolutePath().toString(), TrtLogger.WARNING)) {
                throw new EngineException(parseErrors(spec, parser, log.since(mark)));
            }
            ITensor input = checkInput(spec, network);
            long[] shape = dims(input.getDimensions());
            List<String> outputs = new ArrayList<>();
            for (int i = 0; i < network.getNbOutputs(); i++) outputs.add(network.getOutput(i).getName());

            IBuilderConfig config = own(owned, builder.createBuilderConfig(), "createBuilderConfig");
            config.setMemoryPoolLimit(MemoryPoolType.kWORKSPACE, options.maxWorkspaceBytes());
            config.setProfilingVerbosity(ProfilingVerbosity.kDETAILED); // the inspector then names precisions and kernels
            boolean fastFp16 = builder.platformHasFastFp16();
            if (spec.precision() == Precision.FP16) {
                if (!fastFp16) LOG.warn("engine '{}': this GPU has no fast FP16; TensorRT may keep every layer in FP32", id);
                config.setFlag(BuilderFlag.kFP16);
            }
            if (shape[0] < 0) {
                IOptimizationProfile profile = builder.createOptimizationProfile();
                Dims64 d = dims(shape, spec.batchSize());
                profile.setDimensions(input.getName(), OptProfileSelector.kMIN, d);
                profile.setDimensions(input.getName(), OptProfileSelector.kOPT, d);
                profile.setDimensions(input.getName(), OptProfileSelector.kMAX, d);
                config.addOptimizationProfile(profile);
            }
            byte[] cacheBytes = TrtBuilder.readTimingCache(timingCache);
            BytePointer cacheData = cacheBytes.length == 0 ? null : new BytePointer(cacheBytes);
            ITimingCache cache = config.createTimingCache(cacheData, cacheBytes.length);
            if (cache != null && !cache.isNull()) {
                own(owned, cache, "createTimingCache");
                config.setTimingCache(cache, false);
            }

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
            own(owned, plan, "plan");
            long size = plan.size();
            TrtBuilder.write(target.resolve(TrtBuilder.PLAN), plan.data(), size);
            IHostMemory updated = config.getTimingCache() == null ? null : config.getTimingCache().serialize();
            if (updated != null && !updated.isNull()) {
                own(owned, updated, "timing cache");
                TrtBuilder.write(timingCache, updated.data(), updated.size());
            }
            EngineCache.stage(id, String.format("TensorRT built the engine in %.1f s: %d MB", seconds, size >> 20), t0);
            return new TrtBuilder.Built(input.getName(), shape, outputs, network.getNbLayers(), seconds, size, fastFp16);
        } finally {
            for (int i = owned.size() - 1; i >= 0; i--) owned.get(i).deallocate();
        }
    }

    /** The parser's own errors, one line each, and what to do. */
    private static String parseErrors(ModelSpec spec, IParser parser, List<String> logged) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            IParserError e = parser.getError(i);
            lines.add(TrtBuilder.parserError(String.valueOf(e.code()), e.desc(), e.node(), e.nodeName(), e.nodeOperator()));
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

    static long[] dims(Dims64 d) {
        long[] s = new long[d.nbDims()];
        for (int i = 0; i < s.length; i++) s[i] = d.d(i);
        return s;
    }

    static Dims64 dims(long[] shape) {
        Dims64 d = new Dims64();
        d.nbDims(shape.length);
        for (int i = 0; i < shape.length; i++) d.d(i, shape[i]);
        return d;
    }

    /** {@code shape} with the batch dimension set to {@code batch}. */
    static Dims64 dims(long[] shape, int batch) {
        long[] s = shape.clone();
        s[0] = batch;
        return dims(s);
    }

    private static <P extends Pointer> P own(List<Pointer> owned, P p, String what) {
        if (p == null || p.isNull()) {
            List<String> errors = TrtLogger.INSTANCE.recent();
            throw new EngineException("TensorRT: " + what + " returned nothing" + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)));
        }
        owned.add(p);
        return p;
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
            runtime.deallocate();
            mem.close();
            throw new EngineException("model '" + spec.id() + "': TensorRT cannot load the engine " + file
                    + " (built by another TensorRT version or for another GPU?): " + String.join("; ", log.since(mark)));
        }
        return new Plan10(runtime, engine, mem);
    }

    private static final class Plan10 implements Plan {
        final IRuntime runtime;
        final ICudaEngine engine;
        final BytePointer mem;

        Plan10(IRuntime runtime, ICudaEngine engine, BytePointer mem) {
            this.runtime = runtime;
            this.engine = engine;
            this.mem = mem;
        }

        @Override
        public List<TrtIo.Tensor> tensors() {
            List<TrtIo.Tensor> t = new ArrayList<>();
            for (int i = 0; i < engine.getNbIOTensors(); i++) {
                String name = engine.getIOTensorName(i);
                t.add(new TrtIo.Tensor(i, name, dims(engine.getTensorShape(name)),
                        TrtDataType.of(engine.getTensorDataType(name).value),
                        engine.getTensorIOMode(name).value == TensorIOMode.kINPUT.value));
            }
            return t;
        }

        @Override
        public List<String> layerInformation() {
            List<String> out = new ArrayList<>();
            IEngineInspector ins = engine.createEngineInspector();
            if (ins == null || ins.isNull()) return out;
            try {
                for (int i = 0; i < engine.getNbLayers(); i++) out.add(ins.getLayerInformation(i, LayerInformationFormat.kJSON));
            } finally {
                ins.deallocate();
            }
            return out;
        }

        @Override
        public Exec createContext(TrtIo io) {
            IExecutionContext c = engine.createExecutionContext();
            if (c == null || c.isNull()) return null;
            if (io.dynamicBatch && !c.setInputShape(io.input.name(), dims(io.inputShape()))) {
                c.deallocate();
                throw new EngineException("TensorRT refused input shape " + java.util.Arrays.toString(io.inputShape()));
            }
            return new Exec() {
                @Override public long[] shape(TrtIo.Tensor t) { return dims(c.getTensorShape(t.name())); }

                @Override
                public void bind(TrtIo.Tensor t, Pointer device) {
                    if (!c.setTensorAddress(t.name(), device)) throw new EngineException("TensorRT: setTensorAddress(" + t.name() + ") failed");
                }

                @Override public boolean enqueue(CUstream_st stream) { return c.enqueueV3(stream); }

                @Override public void close() { c.deallocate(); }
            };
        }

        @Override
        public void close() {
            engine.deallocate();
            runtime.deallocate();
            mem.close();
        }
    }
}
