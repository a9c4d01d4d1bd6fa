package org.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;

/**
 * Native address of a tensor's buffer, so OpenCV can write pixels straight into it. Lives in
 * org.tensorflow because {@link RawTensor#nativeHandle()} is package-private in TF Java 1.1.0.
 */
public final class TensorMemory {
    private TensorMemory() {}

    public static long address(Tensor tensor) {
        return TF_TensorData(tensor.asRawTensor().nativeHandle()).address();
    }
}
