package io.edgesight.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC;
import static org.bytedeco.opencv.global.opencv_core.transform;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes a resized 8-bit BGR image into one row of a batch tensor, in place: channel reordering and
 * normalisation are a single OpenCV {@code transform} whose output Mat wraps the tensor's own memory.
 * No per-pixel Java loop and no copy of the finished row.
 */
public final class TensorWriter {
    private final int height;
    private final int width;
    private final int channels;
    private final Mat matrix;
    private final boolean floatOutput;
    private final ThreadLocal<Mat> scratch = ThreadLocal.withInitial(Mat::new);

    /**
     * @param floatOutput true for float32 tensors, false for uint8 tensors (normalisation must then be raw)
     */
    public TensorWriter(int height, int width, int channels, ChannelOrder order, Normalization norm, boolean floatOutput) {
        if (channels != 3) throw new IllegalArgumentException("only 3-channel image inputs are supported, got " + channels);
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.floatOutput = floatOutput;
        // row o of the matrix picks source (BGR) channel perm[o], scales it and adds the offset
        int[] perm = order == ChannelOrder.RGB ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
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

    /** Writes {@code bgr} (height x width, 8UC3) to native memory at {@code address}. */
    public void write(Mat bgr, long address) {
        if (bgr.rows() != height || bgr.cols() != width || bgr.channels() != 3) {
            throw new IllegalArgumentException("expected a " + width + "x" + height + " BGR image, got "
                    + bgr.cols() + "x" + bgr.rows() + "x" + bgr.channels());
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

    private static Pointer at(long addr) {
        // inside the anonymous class 'address' is Pointer's field, hence the other parameter name
        return new Pointer() { { this.address = addr; } };
    }
}
