package io.edgesight.engine;

/**
 * TensorRT's {@code nvinfer1::DataType}, by the numbers that TensorRT 8 and 10 both use (a value never changed
 * meaning between releases; 8.0 ends at BOOL, 8.5 added UINT8, 8.6/9/10 the rest), so the binding tables of both
 * API paths are plain Java and one set of rules reads them.
 */
enum TrtDataType {
    FLOAT(0, 4, "float32"),
    HALF(1, 2, "float16"),
    INT8(2, 1, "int8"),
    INT32(3, 4, "int32"),
    BOOL(4, 1, "bool"),
    UINT8(5, 1, "uint8"),
    FP8(6, 1, null),
    BF16(7, 2, null),
    INT64(8, 8, "int64"),
    INT4(9, 1, null);

    final int value;
    /** Bytes per element (INT4 is packed and only used for weights). */
    final int size;
    /** The {@link Outputs.Info} type name, or null for types edgesight cannot read. */
    final String dtype;

    TrtDataType(int value, int size, String dtype) {
        this.value = value;
        this.size = size;
        this.dtype = dtype;
    }

    static TrtDataType of(int value) {
        for (TrtDataType t : values()) if (t.value == value) return t;
        throw new EngineException("TensorRT reported data type " + value + ", which this edgesight does not know");
    }

    /** "float", "half", "int32" ...: TensorRT's own names, for messages. */
    String tensorRtName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
