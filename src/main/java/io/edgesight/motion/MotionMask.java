package io.edgesight.motion;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Polygons of the frame where motion is ignored (a tree, a clock, a road outside the property), as the user writes
 * them: {@code x1,y1,x2,y2,x3,y3[,...]}, several separated by {@code ;}. A polygon whose numbers are all between 0
 * and 1 with at least one written with a decimal point ({@code 0,0,0.5,0,0.5,1.0,0,1.0}) is normalised (fractions of
 * the frame's width and height); otherwise its numbers are frame pixels (whole numbers, 0 or more).
 */
public final class MotionMask {
    /** One polygon: x,y pairs, normalised or in frame pixels. */
    record Polygon(double[] xy, boolean normalised) {}

    private final List<Polygon> polygons;
    private final String text;

    private MotionMask(List<Polygon> polygons, String text) {
        this.polygons = polygons;
        this.text = text;
    }

    /** No polygon. */
    public static final MotionMask NONE = new MotionMask(List.of(), "");

    public boolean isEmpty() { return polygons.isEmpty(); }

    public int size() { return polygons.size(); }

    /**
     * Parses the user's text (blank: no mask). Throws IllegalArgumentException with a sentence naming the bad
     * polygon and how to write one.
     */
    public static MotionMask parse(String text) {
        if (text == null || text.isBlank()) return NONE;
        List<Polygon> out = new ArrayList<>();
        String[] parts = text.split(";");
        for (int p = 0; p < parts.length; p++) {
            String part = parts[p].strip();
            if (part.isEmpty()) continue;
            String where = "polygon " + (p + 1) + " '" + part + "'";
            String[] nums = part.split(",");
            if (nums.length < 6 || nums.length % 2 != 0) {
                throw new IllegalArgumentException(where + " needs at least 3 points as x,y pairs (x1,y1,x2,y2,x3,y3), got "
                        + nums.length + " number(s)");
            }
            double[] xy = new double[nums.length];
            boolean fraction = false;
            boolean allUnit = true;
            for (int i = 0; i < nums.length; i++) {
                String n = nums[i].strip();
                double v;
                try {
                    v = Double.parseDouble(n);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": '" + n + "' is not a number");
                }
                if (!Double.isFinite(v) || v < 0) throw new IllegalArgumentException(where + ": '" + n + "' must be 0 or more");
                if (n.contains(".")) fraction = true;
                if (v > 1) allUnit = false;
                xy[i] = v;
            }
            if (fraction && !allUnit) {
                throw new IllegalArgumentException(where + " mixes fractions and pixels: write every number as a fraction"
                        + " of the frame (0..1, with a decimal point) or every number in whole frame pixels");
            }
            out.add(new Polygon(xy, fraction));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("'" + text.strip() + "' has no polygon (x1,y1,x2,y2,x3,y3;...)");
        return new MotionMask(List.copyOf(out), text.strip());
    }

    /**
     * The mask at {@code width} x {@code height} (the detector's scale) of a frame of {@code frameWidth} x
     * {@code frameHeight}: 255 where motion counts, 0 inside the polygons. The caller closes it.
     */
    public Mat render(int width, int height, int frameWidth, int frameHeight) {
        Mat m;
        try (Scalar white = new Scalar(255)) {
            m = new Mat(height, width, opencv_core.CV_8UC1, white);
        }
        if (polygons.isEmpty()) return m;
        try (MatVector pts = new MatVector(polygons.size())) {
            List<Mat> held = new ArrayList<>();
            try {
                for (int i = 0; i < polygons.size(); i++) {
                    Polygon p = polygons.get(i);
                    double sx = p.normalised() ? width : (double) width / frameWidth;
                    double sy = p.normalised() ? height : (double) height / frameHeight;
                    int n = p.xy().length / 2;
                    int[] ints = new int[n * 2];
                    for (int k = 0; k < n; k++) {
                        ints[2 * k] = (int) Math.round(p.xy()[2 * k] * sx);
                        ints[2 * k + 1] = (int) Math.round(p.xy()[2 * k + 1] * sy);
                    }
                    Mat poly = new Mat(n, 1, opencv_core.CV_32SC2);
                    poly.getIntBuffer().put(ints);
                    held.add(poly);
                    pts.put(i, poly);
                }
                try (Scalar black = new Scalar(0)) {
                    opencv_imgproc.fillPoly(m, pts, black);
                }
            } finally {
                held.forEach(Mat::close);
            }
        }
        return m;
    }

    @Override
    public String toString() { return text; }
}
