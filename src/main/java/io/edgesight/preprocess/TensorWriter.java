package io.edgesight.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_core.transform;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * Writes a resized 8-bit BGR image into one row of a batch tensor, in place, in the layout the model takes.
 * NHWC: channel reordering and normalisation are a single OpenCV {@code transform} whose output Mat wraps the
 * tensor's own memory. NCHW: the image is split into its three 8-bit planes and each model channel is one
 * {@code convertTo} (scale and offset of the same normalisation) into a Mat that wraps that channel's plane of the
 * tensor. No per-pixel Java loop and no copy of the finished row in either layout.
 */
public final class TensorWriter {
    private final int height;
    private final int width;
    private final int channels;
    private final Mat matrix;
    private final boolean floatOutput;
    private final TensorLayout layout;
    private final int[] perm;
    private final double[] scale;
    private final double[] offset;
    private final ThreadLocal<Mat> scratch = ThreadLocal.withInitial(Mat::new);
    private final ThreadLocal<MatVector> planes = ThreadLocal.withInitial(MatVector::new);

    /**
     * NHWC writer (TensorFlow's layout).
     *
     * @param floatOutput true for float32 tensors, false for uint8 tensors (normalisation must then be raw)
     */
    public TensorWriter(int height, int width, int channels, ChannelOrder order, Normalization norm, boolean floatOutput) {
        this(height, width, channels, order, norm, floatOutput, TensorLayout.NHWC);
    }

    /**
     * @param floatOutput true for float32 tensors, false for uint8 tensors (normalisation must then be raw)
     * @param layout      NHWC (interleaved) or NCHW (planar)
     */
    public TensorWriter(int height, int width, int channels, ChannelOrder order, Normalization norm, boolean floatOutput,
                        TensorLayout layout) {
        if (channels != 3) throw new IllegalArgumentException("only 3-channel image inputs are supported, got " + channels);
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.floatOutput = floatOutput;
        this.layout = layout;
        // row o of the matrix picks source (BGR) channel perm[o], scales it and adds the offset
        int[] perm = order == ChannelOrder.RGB ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
        this.perm = perm;
        this.scale = new double[channels];
        this.offset = new double[channels];
        for (int o = 0; o < channels; o++) {
            scale[o] = norm.scale(o);
            offset[o] = norm.offset(o);
        }
        this.matrix = new Mat(channels, channels + 1, CV_64F);
        try (DoubleIndexer idx = matrix.createIndexer()) {
            for (int o = 0; o < channels; o++) {
                for (int k = 0; k <= channels; k++) idx.put(o, k, 0.0);
                idx.put(o, perm[o], norm.scale(o));
                idx.put(o, channels, norm.offset(o));
            }
        }
    }

    /** Bytes one row (one image) takes in the tensor. */
    public long rowBytes() {
        return (long) height * width * channels * (floatOutput ? Float.BYTES : 1);
    }

    public TensorLayout layout() { return layout; }

    /** Writes {@code bgr} (height x width, 8UC3) to native memory at {@code address}. */
    public void write(Mat bgr, long address) {
        if (bgr.rows() != height || bgr.cols() != width || bgr.channels() != 3) {
            throw new IllegalArgumentException("expected a " + width + "x" + height + " BGR image, got "
                    + bgr.cols() + "x" + bgr.rows() + "x" + bgr.channels());
        }
        if (layout == TensorLayout.NCHW) {
            writePlanar(bgr, address);
            return;
        }
        try (Pointer p = at(address); Mat out = new Mat(height, width, floatOutput ? CV_32FC(channels) : CV_8UC(channels), p)) {
            if (floatOutput) {
                // transform keeps the source depth, so widen to float first (one pass), then map into the tensor
                Mat f = scratch.get();
                bgr.convertTo(f, CV_32F);
                transform(f, out, matrix);
            } else {
                transform(bgr, out, matrix);
            }
            if (out.data().address() != address) {
                throw new IllegalStateException("OpenCV reallocated the tensor view; row not written");
            }
        }
    }

    /** NCHW: model channel o is source plane perm[o], scaled and offset, written into its own plane of the row. */
    private void writePlanar(Mat bgr, long address) {
        MatVector src = planes.get();
        split(bgr, src); // three continuous 8-bit planes (scratch, reused per thread)
        long planeBytes = (long) height * width * (floatOutput ? Float.BYTES : 1);
        for (int o = 0; o < channels; o++) {
            long at = address + o * planeBytes;
            try (Pointer p = at(at); Mat out = new Mat(height, width, floatOutput ? CV_32F : CV_8U, p)) {
                src.get(perm[o]).convertTo(out, floatOutput ? CV_32F : CV_8U, scale[o], offset[o]);
                if (out.data().address() != at) {
                    throw new IllegalStateException("OpenCV reallocated the tensor plane view; row not written");
                }
            }
        }
    }

    private static Pointer at(long addr) {
        // inside the anonymous class 'address' is Pointer's field, hence the other parameter name
        return new Pointer() { { this.address = addr; } };
    }
}
