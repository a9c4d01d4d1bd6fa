package io.edgesight.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.SavedModel;

/**
 * Whether the TensorFlow native library can run TF-TRT, and whether a build really converted anything: the
 * seed's "the whole process likes to silently fail" made checkable.
 */
public final class TensorRt {
    private static final Logger LOG = LoggerFactory.getLogger(TensorRt.class);
    public static final String TRT_OP = "TRTEngineOp";
    private static final java.util.Map<String, AtomicBoolean> WARNED = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile Boolean available;

    static final String MISSING = "the TensorFlow Java 1.1.0 native library in this jar (TF %s, %s) has no TensorRT:"
            + " its op registry has no TRTEngineOp, and a TensorRTOptimizer in the session config would be silently"
            + " ignored. TF-TRT needs a libtensorflow built with TensorRT (CUDA + TensorRT installed, e.g. on a Jetson"
            + " with JetPack) loaded in place of the bundled one; see docs/ENGINES.md. Set edgesight.engine.tensorrt=auto"
            + " to run native TensorFlow instead.";

    private TensorRt() {}

    /** True when the loaded native library registers TRTEngineOp. */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            a = false;
            for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
                if (TRT_OP.equals(op.getName())) {
                    a = true;
                    break;
                }
            }
            available = a;
        }
        return a;
    }

    /**
     * Applies the policy. Returns whether the engine should be built with TF-TRT.
     *
     * @throws EngineException for {@code required} without TensorRT
     */
    public static boolean decide(EngineOptions.TensorRtPolicy policy, boolean present) {
        return decide(policy, present, TfEngine.RUNTIME, missingMessage(), " Set edgesight.engine.tensorrt=auto"
                + " to run native TensorFlow instead.", " Running native TensorFlow (CPU).");
    }

    /**
     * The policy for any runtime: {@code missing} says why TensorRT is absent and ends with {@code autoHint} (how to
     * run without it), which the {@code auto} warning replaces with {@code fallback} (what runs instead). One warning
     * per runtime and process.
     */
    static boolean decide(EngineOptions.TensorRtPolicy policy, boolean present, String runtime, String missing,
                          String autoHint, String fallback) {
        switch (policy) {
            case off:
                return false;
            case required:
                if (!present) throw new EngineException("edgesight.engine.tensorrt=required, but " + missing);
                return true;
            default:
                if (!present && WARNED.computeIfAbsent(runtime, r -> new AtomicBoolean()).compareAndSet(false, true)) {
                    LOG.warn("*** TensorRT NOT AVAILABLE *** {}", missing.replace(autoHint, fallback));
                }
                return present;
        }
    }

    static String missingMessage() {
        return String.format(MISSING, TensorFlow.version(), System.getProperty("os.arch"));
    }

    /** Number of TRTEngineOp nodes in the graphs TensorFlow actually ran (RunMetadata partition/function graphs). */
    public static int countSegments(RunMetadata metadata) {
        int n = 0;
        for (GraphDef g : metadata.getPartitionGraphsList()) n += countIn(g);
        for (RunMetadata.FunctionGraphs f : metadata.getFunctionGraphsList()) {
            for (GraphDef g : f.getPartitionGraphsList()) n += countIn(g);
        }
        return n;
    }

    static int countIn(GraphDef g) {
        int n = 0;
        for (NodeDef node : g.getNodeList()) if (TRT_OP.equals(node.getOp())) n++;
        for (FunctionDef f : g.getLibrary().getFunctionList()) {
            for (NodeDef node : f.getNodeDefList()) if (TRT_OP.equals(node.getOp())) n++;
        }
        return n;
    }

    /** True when a SavedModel on disk was already converted by TF-TRT (it contains TRTEngineOp nodes). */
    public static boolean convertedModel(Path savedModelDir) {
        Path pb = savedModelDir.resolve("saved_model.pb");
        try (InputStream in = Files.newInputStream(pb)) {
            SavedModel sm = SavedModel.parseFrom(in);
            for (MetaGraphDef mg : sm.getMetaGraphsList()) {
                if (countIn(mg.getGraphDef()) > 0) return true;
            }
            return false;
        } catch (IOException e) {
            return false; // unreadable models get their own clear error when TensorFlow loads them
        }
    }
}
