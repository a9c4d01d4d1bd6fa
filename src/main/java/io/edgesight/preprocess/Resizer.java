package io.edgesight.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;


import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Geometric part of preprocessing: any frame to the model's width x height, recording the transform. */
public final class Resizer {
    private Resizer() {}

    /** Result of a resize: the model-size image (caller owns it) and how to map back. */
    public record Resized(Mat image, ResizeTransform transform) {}

    public static Resized resize(Mat src, int width, int height, ResizeMode mode) {
        int sw = src.cols();
        int sh = src.rows();
        switch (mode) {
            case STRETCH: {
                Mat dst = new Mat();
                try (Size size = new Size(width, height)) {
                    org.bytedeco.opencv.global.opencv_imgproc.resize(src, dst, size, 0, 0, interpolation(sw, sh, width, height));
                }
                return new Resized(dst, new ResizeTransform(sw, sh, (double) width / sw, (double) height / sh, 0, 0, 0, 0));
            }
            case LETTERBOX: {
                double s = Math.min((double) width / sw, (double) height / sh);
                int nw = Math.max(1, Math.min(width, (int) Math.round(sw * s)));
                int nh = Math.max(1, Math.min(height, (int) Math.round(sh * s)));
                int padX = (width - nw) / 2;
                int padY = (height - nh) / 2;
                Mat dst;
                try (Scalar black = new Scalar(0, 0, 0, 0)) {
                    dst = new Mat(height, width, CV_8UC3, black);
                }
                // resize straight into the centre of the padded image: no intermediate copy
                try (Rect r = new Rect(padX, padY, nw, nh); Mat roi = new Mat(dst, r); Size size = new Size(nw, nh)) {
                    org.bytedeco.opencv.global.opencv_imgproc.resize(src, roi, size, 0, 0, interpolation(sw, sh, nw, nh));
                }
                return new Resized(dst, new ResizeTransform(sw, sh, (double) nw / sw, (double) nh / sh, padX, padY, 0, 0));
            }
            case CENTER_CROP: {
                double s = Math.max((double) width / sw, (double) height / sh);
                int cw = Math.max(1, Math.min(sw, (int) Math.round(width / s)));
                int ch = Math.max(1, Math.min(sh, (int) Math.round(height / s)));
                int cropX = (sw - cw) / 2;
                int cropY = (sh - ch) / 2;
                Mat dst = new Mat();
                // crop the source first: resizing only the kept part is cheaper
                try (Rect r = new Rect(cropX, cropY, cw, ch); Mat roi = new Mat(src, r); Size size = new Size(width, height)) {
                    org.bytedeco.opencv.global.opencv_imgproc.resize(roi, dst, size, 0, 0, interpolation(cw, ch, width, height));
                }
                return new Resized(dst, new ResizeTransform(sw, sh, (double) width / cw, (double) height / ch, 0, 0, cropX, cropY));
            }
            default:
                throw new IllegalArgumentException(mode.toString());
        }
    }

    /** Area averaging when shrinking (no aliasing), bilinear when enlarging. */
    static int interpolation(int sw, int sh, int dw, int dh) {
        return dw <= sw && dh <= sh ? INTER_AREA : INTER_LINEAR;
    }
}
