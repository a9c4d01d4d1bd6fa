package io.edgesight.sink;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;

import java.util.List;
import java.util.Locale;

import io.edgesight.predict.Box;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** JPEG helpers and the drawing of predictions (boxes, labels, scores) onto a frame. */
public final class Annotator {
    private Annotator() {}

    /** {@code src} (BGR) scaled to at most {@code width} pixels wide, as a JPEG. */
    public static byte[] downscaledJpeg(Mat src, int width, int quality) {
        try (Mat small = new Mat()) {
            downscale(src, width, small);
            return jpeg(small, quality);
        }
    }

    /** {@code src} (BGR) scaled to at most {@code width} pixels wide into {@code dst} (reused when it has that size). */
    public static void downscale(Mat src, int width, Mat dst) {
        if (src.cols() <= width || width <= 0) {
            src.copyTo(dst);
            return;
        }
        int h = Math.max(1, (int) Math.round(src.rows() * (double) width / src.cols()));
        io.edgesight.preprocess.Resizer.scale(src, dst, width, h);
    }

    public static byte[] jpeg(Mat image, int quality) {
        try (BytePointer buf = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
            if (!opencv_imgcodecs.imencode(".jpg", image, buf, params)) throw new IllegalStateException("JPEG encoding failed");
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    public static Mat decode(byte[] jpeg) {
        try (BytePointer data = new BytePointer(jpeg); Mat raw = new Mat(1, jpeg.length, CV_8UC1, data)) {
            Mat m = opencv_imgcodecs.imdecode(raw, IMREAD_COLOR);
            if (m == null || m.empty()) throw new IllegalStateException("not a JPEG image");
            return m;
        }
    }

    /**
     * The frame {@code jpeg} (any size; boxes are scaled from the prediction's frame size) with each prediction drawn:
     * boxes with "label score" for detections, a ranked list in the top-left corner for classifications, and a
     * footer naming the camera, frame and time. Returns a JPEG.
     */
    public static byte[] annotate(byte[] jpeg, Prediction p, int quality) {
        try (Mat img = decode(jpeg)) {
            draw(img, p);
            return jpeg(img, quality);
        }
    }

    public static void draw(Mat img, Prediction p) {
        double sx = p.frame().width() > 0 ? (double) img.cols() / p.frame().width() : 1;
        double sy = p.frame().height() > 0 ? (double) img.rows() / p.frame().height() : 1;
        double font = Math.max(0.4, img.cols() / 900.0);
        int thick = img.cols() >= 800 ? 2 : 1;
        List<? extends PredictionItem> items = p.predictions();
        int listed = 0;
        for (PredictionItem it : items) {
            String text = it.label() + " " + String.format(Locale.ROOT, "%.0f%%", it.score() * 100);
            Scalar color = color(it.classId());
            Box b = it.box();
            if (b != null) {
                int x1 = clamp((int) Math.round(b.x1() * sx), img.cols() - 1), y1 = clamp((int) Math.round(b.y1() * sy), img.rows() - 1);
                int x2 = clamp((int) Math.round(b.x2() * sx), img.cols() - 1), y2 = clamp((int) Math.round(b.y2() * sy), img.rows() - 1);
                try (Point a = new Point(x1, y1); Point c = new Point(x2, y2)) {
                    opencv_imgproc.rectangle(img, a, c, color, Math.max(2, thick + 1), LINE_AA, 0);
                }
                label(img, text, x1, Math.max(0, y1 - textHeight(font, thick) - 6), font, thick, color);
            } else {
                label(img, (listed + 1) + ". " + text, 6, 6 + listed * (textHeight(font, thick) + 10), font, thick, color);
                listed++;
            }
            color.close();
        }
        String footer = p.camera() + "  #" + p.seq() + "  " + p.captureTime();
        try (Scalar grey = new Scalar(40, 40, 40, 0)) {
            label(img, footer, 6, img.rows() - textHeight(font * 0.8, 1) - 12, font * 0.8, 1, grey);
        }
    }

    private static int textHeight(double font, int thick) {
        try (IntPointer base = new IntPointer(1); Size s = opencv_imgproc.getTextSize("Ag", FONT_HERSHEY_SIMPLEX, font, thick, base)) {
            return s.height() + base.get();
        }
    }

    /** Text on a filled background of {@code bg}, top-left at (x, y). */
    private static void label(Mat img, String text, int x, int y, double font, int thick, Scalar bg) {
        try (IntPointer base = new IntPointer(1);
             Size s = opencv_imgproc.getTextSize(text, FONT_HERSHEY_SIMPLEX, font, thick, base)) {
            int w = Math.min(s.width() + 8, img.cols() - x);
            int h = s.height() + base.get() + 6;
            if (w <= 0 || y + h > img.rows()) return;
            try (Rect r = new Rect(x, y, w, h); Scalar white = new Scalar(255, 255, 255, 0);
                 Point org = new Point(x + 4, y + s.height() + 3)) {
                opencv_imgproc.rectangle(img, r, bg, FILLED, LINE_AA, 0);
                opencv_imgproc.putText(img, text, org, FONT_HERSHEY_SIMPLEX, font, white, thick, LINE_AA, false);
            }
        }
    }

    private static int clamp(int v, int max) { return Math.max(0, Math.min(max, v)); }

    /** A stable, saturated colour per class (BGR). */
    static Scalar color(int classId) {
        float hue = (classId * 0.61803398875f) % 1f;
        int rgb = java.awt.Color.HSBtoRGB(hue, 0.85f, 0.80f);
        return new Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff, 0);
    }
}
