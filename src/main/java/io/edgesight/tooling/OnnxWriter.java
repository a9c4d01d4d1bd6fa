package io.edgesight.tooling;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.CodedOutputStream;

/**
 * Writes ONNX models (the {@code onnx.proto} ModelProto wire format) with protobuf's {@link CodedOutputStream} and
 * the field numbers of the ONNX schema: just the messages edgesight's own test and benchmark models need (graph,
 * nodes with int/float/ints/string attributes, float and int64 initializers as raw little-endian data, tensor
 * inputs and outputs with fixed or symbolic dimensions). ONNX Runtime's jar ships no ONNX protobuf classes, and
 * pulling the onnx-java bindings in for a few hundred bytes of schema is not worth a dependency.
 *
 * <p>Large models stream to the file: initializers are encoded one by one and only their sizes are summed before
 * the enclosing message's length is written.
 */
public final class OnnxWriter {
    /** onnx.TensorProto.DataType values. */
    public static final int FLOAT = 1, UINT8 = 2, INT64 = 7;

    private int opset = 17;
    private long irVersion = 8;
    private String graphName = "edgesight";
    private final Msg graph = new Msg();
    private final List<Msg> metadata = new ArrayList<>();

    /** The ai.onnx opset the model declares (default 17). */
    public OnnxWriter opset(int version) {
        this.opset = version;
        return this;
    }

    /** The ONNX IR version (default 8, the one of opset 17). */
    public OnnxWriter irVersion(long version) {
        this.irVersion = version;
        return this;
    }

    public OnnxWriter graphName(String name) {
        this.graphName = name;
        return this;
    }

    /** A key/value in the model's metadata_props (shown by ONNX tools; edgesight records its generator there). */
    public OnnxWriter metadata(String key, String value) {
        metadata.add(new Msg().string(1, key).string(2, value));
        return this;
    }

    /** A graph input; each dimension is a Number (fixed size) or a String (symbolic, e.g. "batch"). */
    public OnnxWriter input(String name, int elemType, Object... dims) {
        graph.msg(11, valueInfo(name, elemType, dims));
        return this;
    }

    public OnnxWriter output(String name, int elemType, Object... dims) {
        graph.msg(12, valueInfo(name, elemType, dims));
        return this;
    }

    /** A float32 constant, stored as raw little-endian data. */
    public OnnxWriter initializer(String name, long[] dims, float[] values) {
        if (count(dims) != values.length) throw new IllegalArgumentException(name + ": " + values.length + " values for dims " + java.util.Arrays.toString(dims));
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        graph.msg(5, tensor(name, dims, FLOAT, b.array()));
        return this;
    }

    /** An int64 constant (shapes, axes). */
    public OnnxWriter initializer(String name, long[] dims, long[] values) {
        if (count(dims) != values.length) throw new IllegalArgumentException(name + ": " + values.length + " values for dims " + java.util.Arrays.toString(dims));
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        graph.msg(5, tensor(name, dims, INT64, b.array()));
        return this;
    }

    /** Adds a node; set its attributes on the returned {@link Node}. Empty input names are optional inputs left out. */
    public Node node(String opType, List<String> inputs, String... outputs) {
        Node n = new Node();
        for (String in : inputs) n.msg.string(1, in);
        for (String out : outputs) n.msg.string(2, out);
        n.msg.string(3, outputs.length > 0 ? outputs[0] : opType);
        n.msg.string(4, opType);
        graph.msg(1, n.msg);
        return n;
    }

    /** Attributes of one node (onnx.AttributeProto). */
    public static final class Node {
        private final Msg msg = new Msg();

        public Node attr(String name, long value) {
            msg.msg(5, new Msg().string(1, name).varint(20, 2).varint(3, value));
            return this;
        }

        public Node attr(String name, float value) {
            msg.msg(5, new Msg().string(1, name).varint(20, 1).fixed32(2, Float.floatToIntBits(value)));
            return this;
        }

        public Node attr(String name, long... values) {
            Msg a = new Msg().string(1, name).varint(20, 7);
            for (long v : values) a.varint(8, v);
            msg.msg(5, a);
            return this;
        }

        public Node attr(String name, String value) {
            msg.msg(5, new Msg().string(1, name).varint(20, 3).bytes(4, value.getBytes(StandardCharsets.UTF_8)));
            return this;
        }
    }

    private Msg model() {
        graph.string(2, graphName);
        Msg m = new Msg().varint(1, irVersion).string(2, "edgesight").string(3, "0.1.0");
        m.msg(7, graph);
        m.msg(8, new Msg().string(1, "").varint(2, opset));
        for (Msg kv : metadata) m.msg(14, kv);
        return m;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public void writeTo(OutputStream out) throws IOException {
        CodedOutputStream cos = CodedOutputStream.newInstance(out, 1 << 16);
        model().writeTo(cos);
        cos.flush();
    }

    /** Writes the model to {@code file} through a temporary file and a rename: never a half-written model. */
    public Path write(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writeTo(out);
            }
            try { // createTempFile makes it rw-------; a model file should be readable like any other
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    private static Msg valueInfo(String name, int elemType, Object... dims) {
        Msg shape = new Msg();
        for (Object d : dims) {
            if (d instanceof Number n) shape.msg(1, new Msg().varint(1, n.longValue()));
            else shape.msg(1, new Msg().string(2, d.toString()));
        }
        Msg tensorType = new Msg().varint(1, elemType).msg(2, shape);
        return new Msg().string(1, name).msg(2, new Msg().msg(1, tensorType));
    }

    private static Msg tensor(String name, long[] dims, int type, byte[] raw) {
        Msg t = new Msg();
        for (long d : dims) t.varint(1, d);
        t.varint(2, type).string(8, name).bytes(9, raw);
        return t;
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /**
     * A protobuf message as a list of encoded scalar fields and nested messages, in the order added. Nested
     * messages are kept as objects so that their length can be computed without encoding them twice.
     */
    static final class Msg {
        private final List<Object> parts = new ArrayList<>(); // byte[] (encoded fields) or Field (nested)
        private int cachedSize = -1;

        private record Field(int number, Msg msg) {}

        Msg varint(int field, long value) {
            return raw(out -> out.writeInt64(field, value));
        }

        Msg fixed32(int field, int value) {
            return raw(out -> out.writeFixed32(field, value));
        }

        Msg string(int field, String value) {
            return raw(out -> out.writeString(field, value));
        }

        Msg bytes(int field, byte[] value) {
            return raw(out -> out.writeByteArray(field, value));
        }

        Msg msg(int field, Msg nested) {
            parts.add(new Field(field, nested));
            cachedSize = -1;
            return this;
        }

        private interface Writer {
            void write(CodedOutputStream out) throws IOException;
        }

        private Msg raw(Writer w) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            CodedOutputStream c = CodedOutputStream.newInstance(b);
            try {
                w.write(c);
                c.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            parts.add(b.toByteArray());
            cachedSize = -1;
            return this;
        }

        int size() {
            if (cachedSize >= 0) return cachedSize;
            long n = 0;
            for (Object p : parts) {
                if (p instanceof byte[] b) n += b.length;
                else {
                    Field f = (Field) p;
                    int s = f.msg().size();
                    n += CodedOutputStream.computeTagSize(f.number()) + CodedOutputStream.computeUInt32SizeNoTag(s) + s;
                }
            }
            if (n > Integer.MAX_VALUE) throw new IllegalStateException("ONNX model over 2 GB: protobuf cannot hold it");
            cachedSize = (int) n;
            return cachedSize;
        }

        void writeTo(CodedOutputStream out) throws IOException {
            for (Object p : parts) {
                if (p instanceof byte[] b) out.writeRawBytes(b);
                else {
                    Field f = (Field) p;
                    out.writeTag(f.number(), com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(f.msg().size());
                    f.msg().writeTo(out);
                }
            }
        }
    }
}
