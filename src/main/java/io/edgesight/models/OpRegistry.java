package io.edgesight.models;

import java.util.HashMap;
import java.util.Map;

import org.tensorflow.TensorFlow;
import org.tensorflow.proto.OpDef;

/** The ops this TensorFlow build knows (the linked native library's registry). */
final class OpRegistry {
    private static volatile Map<String, OpDef> ops;

    private OpRegistry() {}

    static Map<String, OpDef> all() {
        Map<String, OpDef> m = ops;
        if (m == null) {
            synchronized (OpRegistry.class) {
                if (ops == null) {
                    Map<String, OpDef> r = new HashMap<>();
                    for (OpDef d : TensorFlow.registeredOpList().getOpList()) r.put(d.getName(), d);
                    ops = r;
                }
                m = ops;
            }
        }
        return m;
    }

    static OpDef get(String op) {
        return all().get(op);
    }

    static boolean known(String op) {
        return all().containsKey(op);
    }
}
