package io.edgesight.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.edgesight.engine.TensorRt;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * The self-check's questions to TensorFlow, in a class of their own so that {@link SelfCheck} references no
 * TensorFlow class: a jar without TensorFlow never loads one.
 */
final class TensorFlowProbe {
    private TensorFlowProbe() {}

    /** The version of the TensorFlow natives; loads them. */
    static String version() {
        return TensorFlow.version();
    }

    /** Whether the natives register TRTEngineOp (TF-TRT). */
    static boolean tensorRtOps() {
        return TensorRt.available();
    }

    /**
     * The devices an empty TensorFlow session sees, as "TYPE:index". The session asks for allow_growth so that, on
     * a GPU build, listing devices does not reserve GPU memory (which a Jetson shares with the CPU).
     */
    static List<String> devices() {
        byte[] config = ConfigProto.newBuilder()
                .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true))
                .build().toByteArray();
        List<String> out = new ArrayList<>();
        TF_Status status = tensorflow.TF_NewStatus();
        TF_Graph graph = tensorflow.TF_NewGraph();
        TF_SessionOptions opts = tensorflow.TF_NewSessionOptions();
        TF_Session session = null;
        TF_DeviceList list = null;
        try (BytePointer cfg = new BytePointer(config)) {
            tensorflow.TF_SetConfig(opts, cfg, config.length, status);
            check(status);
            session = tensorflow.TF_NewSession(graph, opts, status);
            check(status);
            list = tensorflow.TF_SessionListDevices(session, status);
            check(status);
            int n = tensorflow.TF_DeviceListCount(list);
            int[] perType = new int[0];
            List<String> types = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                BytePointer type = tensorflow.TF_DeviceListType(list, i, status);
                check(status);
                String t = type.getString();
                int idx = types.indexOf(t);
                if (idx < 0) {
                    types.add(t);
                    perType = Arrays.copyOf(perType, types.size());
                    idx = types.size() - 1;
                }
                out.add(t + ":" + perType[idx]++);
            }
        } finally {
            if (list != null) tensorflow.TF_DeleteDeviceList(list);
            if (session != null) {
                tensorflow.TF_CloseSession(session, status);
                tensorflow.TF_DeleteSession(session, status);
            }
            tensorflow.TF_DeleteSessionOptions(opts);
            tensorflow.TF_DeleteGraph(graph);
            tensorflow.TF_DeleteStatus(status);
        }
        return out;
    }

    private static void check(TF_Status status) {
        if (tensorflow.TF_GetCode(status) != tensorflow.TF_OK) {
            throw new IllegalStateException(tensorflow.TF_Message(status).getString());
        }
    }

}
