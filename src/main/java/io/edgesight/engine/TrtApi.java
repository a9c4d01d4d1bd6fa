package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.Pointer;

/**
 * The part of the TensorRT runtime that speaks one TensorRT API. A jar carries exactly one implementation, since
 * the Java classes of two TensorRT presets share the package {@code org.bytedeco.tensorrt}: {@code Trt10Api}
 * (name-based I/O, memory-pool limits, {@code enqueueV3}) in the x86_64, generic arm64 and JetPack 6 jars;
 * {@code Trt8Api} (binding indices, {@code setMaxWorkspaceSize}, {@code enqueueV2}; source folder src/trt8/java)
 * in the JetPack 4 and 5 jars. {@link TrtLibrary} checks that the TensorRT found at run time is the one this API
 * speaks ({@link TrtVersions}). Everything around it (the I/O table, buffers, CUDA streams, the engine cache) is
 * shared.
 */
interface TrtApi {
    /** The implementations a jar may carry, newest first. */
    List<String> IMPLEMENTATIONS = List.of("io.edgesight.engine.Trt10Api", "io.edgesight.engine.Trt8Api");

    /** The TensorRT major version this implementation speaks: 8 or 10. */
    int major();

    /** Loads the bindings (and so the machine's libnvinfer and libnvonnxparser); throws what the loader threw. */
    void load();

    /** getInferLibVersion() of the loaded library, e.g. 100600 or 8201. */
    int libraryVersion();

    /** Parses the ONNX model and builds the engine plan into {@code target} (see {@link TrtBuilder}). */
    TrtBuilder.Built build(ModelSpec spec, EngineOptions options, Path target, Path timingCache, long t0) throws IOException;

    /** Deserializes a plan; a user error when TensorRT cannot. */
    Plan deserialize(ModelSpec spec, Path file, byte[] plan);

    /** A deserialized engine. */
    interface Plan {
        /** Every I/O tensor of the engine (TensorRT 8: the bindings of optimisation profile 0). */
        List<TrtIo.Tensor> tensors();

        /** The engine inspector's JSON per layer, or null where this TensorRT has no engine inspector. */
        List<String> layerInformation();

        Exec createContext(TrtIo io);

        void close();
    }

    /** One execution context: its shapes, its buffers, its runs on a stream. */
    interface Exec {
        /** The tensor's shape in this context (after the batch is set). */
        long[] shape(TrtIo.Tensor t);

        /** Binds a device buffer to a tensor. */
        void bind(TrtIo.Tensor t, Pointer device);

        /** Enqueues one run on {@code stream}; false when TensorRT refused. */
        boolean enqueue(CUstream_st stream);

        void close();
    }

    /** The implementation in this jar, or null when it has none. */
    static TrtApi inThisJar() {
        for (String c : IMPLEMENTATIONS) {
            try {
                return (TrtApi) Class.forName(c).getDeclaredConstructor().newInstance();
            } catch (ClassNotFoundException e) {
                // the other TensorRT API's jar
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new EngineException("the TensorRT runtime " + c + " cannot be created: " + e);
            }
        }
        return null;
    }
}
