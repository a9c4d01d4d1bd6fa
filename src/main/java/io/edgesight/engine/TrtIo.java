package io.edgesight.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import io.edgesight.preprocess.TensorLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O table of a TensorRT engine as edgesight uses it, built from what the engine reports for each I/O tensor:
 * per binding index on TensorRT 8 ({@code getBindingName}, {@code bindingIsInput}, {@code getBindingDimensions},
 * {@code getBindingDataType}), per name on TensorRT 10 ({@code getIOTensorName}, {@code getTensorIOMode},
 * {@code getTensorShape}, {@code getTensorDataType}). Both API paths hand over the same plain rows, so the rules
 * live here once: one image input of float32 or uint8, its batch dimension fixed or dynamic (-1, resolved to
 * the configured batch size), the output edgesight decodes, and the bytes of every buffer.
 */
final class TrtIo {
    private static final Logger LOG = LoggerFactory.getLogger(TrtIo.class);

    /** One I/O tensor as the engine reports it: binding index (TensorRT 8) or I/O index (10), -1 = dynamic size. */
    record Tensor(int index, String name, long[] dims, TrtDataType type, boolean input) {
        /** The dims with a dynamic batch dimension (the first, -1) set to {@code batch}. */
        long[] at(int batch) {
            long[] s = dims.clone();
            if (s.length > 0 && s[0] < 0) s[0] = batch;
            return s;
        }

        @Override
        public String toString() {
            return index + " " + name + " " + (input ? "input" : "output") + " " + type + " " + Arrays.toString(dims);
        }
    }

    /** An I/O tensor at the engine's batch size. */
    record Io(int index, String name, TrtDataType type, long[] shape, boolean input) {
        long count() {
            long n = 1;
            for (long d : shape) n *= Math.max(d, 0);
            return n;
        }

        long bytes() { return count() * type.size; }

        Outputs.Info info() { return new Outputs.Info(name, type.dtype, shape); }

        Io withShape(long[] s) { return new Io(index, name, type, s, input); }
    }

    final List<Tensor> tensors;
    final Io input;
    final boolean dynamicBatch;
    final TensorLayout layout;
    final int height, width;
    /** Every output, in the engine's order. */
    final List<Io> outputs;
    /** The output edgesight decodes ({@code edgesight.models.<id>.output}, else the first by name). */
    final Io output;
    final int batch;

    private TrtIo(List<Tensor> tensors, Io input, boolean dynamicBatch, List<Io> outputs, Io output, int batch) {
        this.tensors = List.copyOf(tensors);
        this.input = input;
        this.dynamicBatch = dynamicBatch;
        this.layout = input.shape()[1] == 3 ? TensorLayout.NCHW : TensorLayout.NHWC;
        this.height = (int) (layout == TensorLayout.NCHW ? input.shape()[2] : input.shape()[1]);
        this.width = (int) (layout == TensorLayout.NCHW ? input.shape()[3] : input.shape()[2]);
        this.outputs = List.copyOf(outputs);
        this.output = output;
        this.batch = batch;
    }

    /** The table for {@code spec}'s batch size; a user error when the engine's I/O is not what edgesight can feed. */
    static TrtIo of(ModelSpec spec, List<Tensor> tensors) {
        String id = spec.id();
        int batch = spec.batchSize();
        List<Tensor> ins = new ArrayList<>();
        List<Io> outs = new ArrayList<>();
        for (Tensor t : tensors) {
            if (t.input()) ins.add(t);
            else outs.add(new Io(t.index(), t.name(), t.type(), t.at(batch), false));
        }
        if (ins.size() != 1) {
            List<String> names = new ArrayList<>();
            for (Tensor t : ins) names.add(t.name());
            throw new EngineException("model '" + id + "': the TensorRT engine has " + ins.size() + " inputs " + names
                    + "; edgesight feeds one image");
        }
        if (outs.isEmpty()) throw new EngineException("model '" + id + "': the TensorRT engine has no outputs");
        Tensor in = ins.get(0);
        TrtBuilder.checkShape(spec, in.name(), in.dims());
        if (in.type() != TrtDataType.FLOAT && in.type() != TrtDataType.UINT8) {
            throw new EngineException("model '" + id + "' input '" + in.name() + "' is " + in.type().tensorRtName()
                    + "; edgesight feeds float32 or uint8 images");
        }
        boolean dynamic = in.dims()[0] < 0;
        Io input = new Io(in.index(), in.name(), in.type(), in.at(batch), true);
        return new TrtIo(tensors, input, dynamic, outs, chooseOutput(spec, outs), batch);
    }

    private static Io chooseOutput(ModelSpec spec, List<Io> outs) {
        String id = spec.id();
        List<String> names = new ArrayList<>();
        for (Io o : outs) names.add(o.name());
        String want = spec.output();
        if (want == null) {
            want = new TreeSet<>(names).first();
            if (outs.size() > 1) {
                LOG.warn("model '{}' has outputs {}; decoding '{}' (set {}output to choose)", id, names, want,
                        ModelSpec.PREFIX + id + ".");
            }
        } else if (!names.contains(want)) {
            throw new EngineException("model '" + id + "' has no output '" + want + "'; its outputs are " + names);
        }
        for (Io o : outs) {
            if (!o.name().equals(want)) continue;
            if (o.type().dtype == null) {
                throw new EngineException("model '" + id + "' output '" + want + "' is " + o.type().tensorRtName()
                        + "; the decoders read numbers (float or integer)");
            }
            return o;
        }
        throw new IllegalStateException(want);
    }

    /** The outputs edgesight reads (numeric types), sorted by name: what {@link Engine#outputs()} lists. */
    List<Io> readable() {
        List<Io> r = new ArrayList<>();
        for (Io o : outputs) if (o.type().dtype != null) r.add(o);
        r.sort(Comparator.comparing(Io::name));
        return r;
    }

    /** Bytes of a device buffer for a tensor of {@code shape}: sizes still open (-1) count as 1, never 0 bytes. */
    static long bufferBytes(long[] shape, TrtDataType type) {
        long n = 1;
        for (long d : shape) n *= Math.max(d, 1);
        return Math.max(1, n * type.size);
    }

    /** The input's shape at the engine's batch: what a dynamic-batch context is given. */
    long[] inputShape() {
        return input.shape().clone();
    }

    /** Bytes of one full input batch. */
    long inputBytes() {
        return input.bytes();
    }
}
