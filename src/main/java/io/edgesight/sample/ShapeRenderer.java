package io.edgesight.sample;

import static org.bytedeco.opencv.global.opencv_core.CV_32SC2;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.fillPoly;

import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Draws synthetic BGR frames (CV_8UC3) holding exactly one filled shape on a gray background. All
 * randomness comes from the caller's {@link Random}, so a seed reproduces a frame exactly.
 */
public final class ShapeRenderer {

  /** Class labels; the index is the class id and the model's logit index. */
  public static final List<String> LABELS =
      List.of("red_circle", "green_square", "blue_triangle", "yellow_star");

  private ShapeRenderer() {}

  /** One frame of {@code width x height} with one shape of class {@code classId}. */
  public static Mat render(int classId, int width, int height, Random rnd) {
    checkClass(classId);
    Mat mat = new Mat(height, width, CV_8UC3);
    background(mat, rnd);
    double size = height * (0.20 + 0.25 * rnd.nextDouble()); // 20%..45% of the frame height
    double half = size / 2;
    double cx = half + rnd.nextDouble() * (width - size);
    double cy = half + rnd.nextDouble() * (height - size);
    drawShape(mat, classId, cx, cy, size, rnd.nextDouble() * 360, color(classId, rnd));
    return mat;
  }

  /**
   * Fills {@code dst} with a gray level (40..210), a random linear gradient (up to +-35), a faint
   * per-channel colour cast (+-10) and mild per-pixel noise (+-6). The cast matters: video codecs
   * and cameras tint gray by a few levels, and a model trained on perfectly neutral gray turned
   * red circles on dark, slightly green-tinted decoded frames into yellow stars.
   */
  public static void background(Mat dst, Random rnd) {
    int w = dst.cols(), h = dst.rows();
    double base = 40 + rnd.nextInt(171);
    double angle = rnd.nextDouble() * 2 * Math.PI;
    double amp = rnd.nextDouble() * 35;
    double gx = Math.cos(angle) * amp / w, gy = Math.sin(angle) * amp / h;
    int[] cast = {rnd.nextInt(21) - 10, rnd.nextInt(21) - 10, rnd.nextInt(21) - 10};
    byte[] noise = new byte[w * h];
    rnd.nextBytes(noise);
    byte[] px = new byte[w * h * 3];
    for (int y = 0, i = 0; y < h; y++) {
      double row = base + gy * (2 * y - h);
      for (int x = 0; x < w; x++, i++) {
        int v = (int) (row + gx * (2 * x - w)) + (noise[i] % 7); // noise in -6..6
        for (int c = 0; c < 3; c++) px[3 * i + c] = (byte) Math.max(0, Math.min(255, v + cast[c]));
      }
    }
    dst.data().put(px); // Mat from new Mat(h, w, CV_8UC3) is continuous
  }

  /** Jittered but unmistakable BGR colour of a class. */
  public static Scalar color(int classId, Random rnd) {
    int lo = rnd.nextInt(50), lo2 = rnd.nextInt(50), hi = 190 + rnd.nextInt(66);
    switch (classId) {
      case 0: return new Scalar(lo, lo2, hi, 0); // red
      case 1: return new Scalar(lo, 160 + rnd.nextInt(96), lo2, 0); // green
      case 2: return new Scalar(hi, lo, lo2, 0); // blue
      case 3: return new Scalar(lo, hi, Math.min(255, hi - 15 + rnd.nextInt(31)), 0); // yellow: R close to G, not lime/orange
      default: throw new IllegalArgumentException("classId " + classId);
    }
  }

  /**
   * Draws the filled shape of {@code classId} centred on (cx, cy), fitting a {@code size} x {@code
   * size} box, rotated by {@code angleDeg} (ignored for circles).
   */
  public static void drawShape(Mat dst, int classId, double cx, double cy, double size, double angleDeg, Scalar bgr) {
    checkClass(classId);
    double r = size / 2, a = Math.toRadians(angleDeg);
    switch (classId) {
      case 0:
        circle(dst, new Point((int) Math.round(cx), (int) Math.round(cy)), (int) Math.round(r), bgr, -1, LINE_AA, 0);
        return;
      case 1: // square inscribed in the size box (circumradius r)
        polygon(dst, cx, cy, new double[] {r, r, r, r}, Math.PI / 4 + a, bgr);
        return;
      case 2:
        polygon(dst, cx, cy, new double[] {r, r, r}, -Math.PI / 2 + a, bgr);
        return;
      default: // 5-pointed star: alternate outer and inner radius
        double[] radii = new double[10];
        for (int i = 0; i < 10; i++) radii[i] = i % 2 == 0 ? r : r * 0.45;
        polygon(dst, cx, cy, radii, -Math.PI / 2 + a, bgr);
    }
  }

  private static void polygon(Mat dst, double cx, double cy, double[] radii, double start, Scalar bgr) {
    int n = radii.length;
    int[] xy = new int[2 * n];
    for (int i = 0; i < n; i++) {
      double t = start + 2 * Math.PI * i / n;
      xy[2 * i] = (int) Math.round(cx + radii[i] * Math.cos(t));
      xy[2 * i + 1] = (int) Math.round(cy + radii[i] * Math.sin(t));
    }
    try (IntPointer p = new IntPointer(xy);
        Mat pts = new Mat(n, 1, CV_32SC2, p);
        MatVector polys = new MatVector(pts)) {
      fillPoly(dst, polys, bgr, LINE_AA, 0, new Point());
    }
  }

  private static void checkClass(int classId) {
    if (classId < 0 || classId >= LABELS.size()) throw new IllegalArgumentException("classId " + classId);
  }
}
