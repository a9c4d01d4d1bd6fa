package io.edgesight.engine;

/**
 * The input of one engine run in native memory: rows written in place at {@link #address()} by the engine's
 * {@link io.edgesight.preprocess.TensorWriter}, then handed back to {@link Engine#run}. Owned by whoever allocated it.
 */
public interface BatchMemory extends AutoCloseable {

    /** Native address of row 0. */
    long address();

    /** Rows this memory holds. */
    int rows();

    @Override
    void close();
}
