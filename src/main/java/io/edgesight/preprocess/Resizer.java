package io.edgesight.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
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
                scale(src, dst, width, height);
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
                try (Rect r = new Rect(padX, padY, nw, nh); Mat roi = new Mat(dst, r)) {
                    scale(src, roi, nw, nh);
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
                try (Rect r = new Rect(cropX, cropY, cw, ch); Mat roi = new Mat(src, r)) {
                    scale(roi, dst, width, height);
                }
                return new Resized(dst, new ResizeTransform(sw, sh, (double) width / cw, (double) height / ch, 0, 0, cropX, cropY));
            }
            default:
                throw new IllegalArgumentException(mode.toString());
        }
    }

    /**
     * {@code src} to {@code width x height} in {@code dst} (an existing view of that size is written in place).
     * Shrinking averages like INTER_AREA, but as box halvings of each axis (OpenCV's fast SIMD path) while that axis is
     * still at least twice the target, then one bilinear step of less than 2x: OpenCV's INTER_AREA at a non-integer ratio
     * (640x480 to 64x64, 1920x1080 to 224x224) takes its generic path, 5-10x slower (1.6 ms and 10 ms per frame,
     * docs/BENCHMARKS.md), for pixels within about half a grey level of it. Enlarging is bilinear.
     */
    public static void scale(Mat src, Mat dst, int width, int height) {
        Mat cur = src;
        Mat half = null;
        try {
            while (cur.cols() >= 2 * width || cur.rows() >= 2 * height) {
                Mat next = new Mat();
                int w = cur.cols() >= 2 * width ? cur.cols() / 2 : cur.cols();
                int h = cur.rows() >= 2 * height ? cur.rows() / 2 : cur.rows();
                try (Size s = new Size(w, h)) {
                    // bilinear at exactly half the size samples between pixels: the mean of each 2x2 block
                    org.bytedeco.opencv.global.opencv_imgproc.resize(cur, next, s, 0, 0, INTER_LINEAR);
                }
                if (half != null) half.close();
                half = next;
                cur = next;
            }
            try (Size s = new Size(width, height)) {
                org.bytedeco.opencv.global.opencv_imgproc.resize(cur, dst, s, 0, 0, INTER_LINEAR);
            }
        } finally {
            if (half != null) half.close();
        }
    }
}
