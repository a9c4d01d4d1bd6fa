package io.edgesight.motion;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Test frames: a scene with sensor noise, a lighting change, a small object drawn in; every result is the caller's to close. */
final class Frames {
    private Frames() {}

    /** A textured synthetic scene (smoothed random grey levels, 3 channels), the same for a seed. */
    static Mat scene(int width, int height, long seed) {
        opencv_core.setRNGSeed((int) seed);
        try (Mat noise = new Mat(height / 8, width / 8, opencv_core.CV_8UC1);
             Mat lo = new Mat(1, 1, opencv_core.CV_64F, new Scalar(40)); Mat hi = new Mat(1, 1, opencv_core.CV_64F, new Scalar(200));
             Mat grey = new Mat()) {
            opencv_core.randu(noise, lo, hi);
            opencv_imgproc.resize(noise, grey, new org.bytedeco.opencv.opencv_core.Size(width, height), 0, 0, opencv_imgproc.INTER_CUBIC);
            Mat out = new Mat();
            opencv_imgproc.cvtColor(grey, out, opencv_imgproc.COLOR_GRAY2BGR);
            return out;
        }
    }

    /** {@code base} with Gaussian sensor noise of {@code sigma} grey levels on every pixel and channel. */
    static Mat noisy(Mat base, double sigma) {
        try (Mat noise = new Mat(base.size(), opencv_core.CV_16SC3); Mat wide = new Mat();
             Mat mean = new Mat(1, 1, opencv_core.CV_64F, new Scalar(0)); Mat sd = new Mat(1, 1, opencv_core.CV_64F, new Scalar(sigma))) {
            opencv_core.randn(noise, mean, sd);
            base.convertTo(wide, opencv_core.CV_16SC3);
            opencv_core.add(wide, noise, wide);
            Mat out = new Mat();
            wide.convertTo(out, opencv_core.CV_8UC3); // saturates
            return out;
        }
    }

    /** {@code base} lit differently: every grey level times {@code gain} plus {@code offset}. */
    static Mat lit(Mat base, double gain, double offset) {
        Mat out = new Mat();
        base.convertTo(out, -1, gain, offset);
        return out;
    }

    /** A copy of {@code base} with a filled black square of {@code size} pixels at x, y (the scene is 40..200 grey). */
    static Mat withSquare(Mat base, int x, int y, int size) {
        Mat out = base.clone();
        try (Rect r = new Rect(x, y, size, size); Scalar c = new Scalar(0, 0, 0, 0)) {
            opencv_imgproc.rectangle(out, r, c, opencv_imgproc.FILLED, opencv_imgproc.LINE_8, 0);
        }
        return out;
    }

    /** A copy of {@code base} with {@code patch} pasted at x, y. */
    static Mat withPatch(Mat base, Mat patch, int x, int y) {
        Mat out = base.clone();
        try (Rect r = new Rect(x, y, patch.cols(), patch.rows()); Mat roi = new Mat(out, r)) {
            patch.copyTo(roi);
        }
        return out;
    }

}
