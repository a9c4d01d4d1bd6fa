package io.edgesight.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;

class PreprocessTest {

    /** A BGR image with a distinct value per pixel and channel. */
    private static Mat gradient(int w, int h) {
        Mat m = new Mat(h, w, CV_8UC3);
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++) idx.put(y, x, c, (x * 7 + y * 13 + c * 50) % 256);
        }
        return m;
    }

    private static float[] write(Mat bgr, ChannelOrder order, Normalization n) {
        TensorWriter w = new TensorWriter(bgr.rows(), bgr.cols(), 3, order, n, true);
        try (FloatPointer buf = new FloatPointer(bgr.rows() * bgr.cols() * 3L)) {
            w.write(bgr, buf.address());
            float[] out = new float[bgr.rows() * bgr.cols() * 3];
            buf.get(out);
            return out;
        }
    }

    /** Expected value computed directly from the formula of each preset, independent of the matrix code. */
    private static double expected(String preset, int value, int modelChannel, ChannelOrder order) {
        double[] caffeBgr = {103.939, 116.779, 123.68};
        double[] mean = {0.485, 0.456, 0.406};
        double[] std = {0.229, 0.224, 0.225};
        return switch (preset) {
            case "raw" -> value;
            case "unit" -> value / 255.0;
            case "symmetric" -> value / 127.5 - 1.0;
            case "caffe" -> value - caffeBgr[modelChannel];
            case "custom" -> (value / 255.0 - mean[modelChannel]) / std[modelChannel];
            default -> throw new IllegalArgumentException(preset);
        };
    }

    @Test
    void everyNormalisationPresetMatchesItsFormulaInBothChannelOrders() {
        Mat img = gradient(8, 5);
        try (UByteIndexer idx = img.createIndexer()) {
            for (String preset : new String[] {"raw", "unit", "symmetric", "caffe", "custom"}) {
                for (ChannelOrder order : ChannelOrder.values()) {
                    if (preset.equals("caffe") && order == ChannelOrder.RGB) continue;
                    Normalization n = Normalization.of(preset, 3, new double[] {0.485, 0.456, 0.406},
                            new double[] {0.229, 0.224, 0.225}, "test");
                    float[] out = write(img, order, n);
                    for (int y = 0; y < 5; y++)
                        for (int x = 0; x < 8; x++)
                            for (int c = 0; c < 3; c++) {
                                int srcChannel = order == ChannelOrder.RGB ? 2 - c : c;
                                int v = idx.get(y, x, srcChannel);
                                assertThat((double) out[(y * 8 + x) * 3 + c])
                                        .as("%s %s pixel (%d,%d) channel %d", preset, order, x, y, c)
                                        .isCloseTo(expected(preset, v, c, order), within(1e-4));
                            }
                }
            }
        }
    }

    /** NCHW (ONNX models): plane c holds model channel c, pixel (x, y) at c*h*w + y*w + x, same formulas. */
    @Test
    void planarNchwRowsHoldOnePlanePerModelChannelWithEveryPreset() {
        int w = 7, h = 5;
        Mat img = gradient(w, h);
        try (UByteIndexer idx = img.createIndexer()) {
            for (String preset : new String[] {"raw", "unit", "symmetric", "caffe", "custom"}) {
                for (ChannelOrder order : ChannelOrder.values()) {
                    if (preset.equals("caffe") && order == ChannelOrder.RGB) continue;
                    Normalization n = Normalization.of(preset, 3, new double[] {0.485, 0.456, 0.406},
                            new double[] {0.229, 0.224, 0.225}, "test");
                    TensorWriter tw = new TensorWriter(h, w, 3, order, n, true, TensorLayout.NCHW);
                    assertThat(tw.rowBytes()).isEqualTo(4L * w * h * 3);
                    // two rows: the second must not touch the first
                    try (FloatPointer buf = new FloatPointer(2L * w * h * 3)) {
                        buf.fill(0);
                        tw.write(img, buf.address() + tw.rowBytes());
                        float[] out = new float[2 * w * h * 3];
                        buf.get(out);
                        for (int i = 0; i < w * h * 3; i++) assertThat(out[i]).isZero();
                        for (int c = 0; c < 3; c++)
                            for (int y = 0; y < h; y++)
                                for (int x = 0; x < w; x++) {
                                    int srcChannel = order == ChannelOrder.RGB ? 2 - c : c;
                                    int v = idx.get(y, x, srcChannel);
                                    assertThat((double) out[w * h * 3 + (c * h + y) * w + x])
                                            .as("%s %s pixel (%d,%d) plane %d", preset, order, x, y, c)
                                            .isCloseTo(expected(preset, v, c, order), within(1e-4));
                                }
                    }
                }
            }
        }
    }

    @Test
    void planarUint8RowsHoldTheRawPlanes() {
        Mat img = gradient(4, 3);
        TensorWriter w = new TensorWriter(3, 4, 3, ChannelOrder.RGB, Normalization.of("raw", 3, null, null, "t"), false,
                TensorLayout.NCHW);
        try (BytePointer buf = new BytePointer(4 * 3 * 3L); UByteIndexer idx = img.createIndexer()) {
            w.write(img, buf.address());
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 4; x++) {
                    assertThat(buf.get(y * 4 + x) & 0xff).isEqualTo(idx.get(y, x, 2)); // R plane first
                    assertThat(buf.get(12 + y * 4 + x) & 0xff).isEqualTo(idx.get(y, x, 1));
                    assertThat(buf.get(24 + y * 4 + x) & 0xff).isEqualTo(idx.get(y, x, 0));
                }
        }
    }

    @Test
    void uint8TensorsGetThePixelsInModelOrder() {
        Mat img = gradient(4, 3);
        TensorWriter w = new TensorWriter(3, 4, 3, ChannelOrder.RGB, Normalization.of("raw", 3, null, null, "t"), false);
        try (BytePointer buf = new BytePointer(4 * 3 * 3L); UByteIndexer idx = img.createIndexer()) {
            w.write(img, buf.address());
            for (int i = 0; i < 12; i++) {
                int y = i / 4, x = i % 4;
                assertThat(buf.get(i * 3L) & 0xff).isEqualTo(idx.get(y, x, 2)); // R first
                assertThat(buf.get(i * 3L + 2) & 0xff).isEqualTo(idx.get(y, x, 0));
            }
        }
    }

    /** A white box drawn at known source pixels lands where each transform says, and maps back within 2 px. */
    @Test
    void resizeModesPlaceAKnownBoxAndTheTransformMapsItBack() {
        int sw = 640, sh = 480;
        int bx1 = 200, by1 = 120, bx2 = 360, by2 = 300; // source box, inside the centre crop too
        Mat src = new Mat(sh, sw, CV_8UC3, new Scalar(0, 0, 0, 0));
        rectangle(src, new Point(bx1, by1), new Point(bx2 - 1, by2 - 1), new Scalar(255, 255, 255, 0), FILLED, 8, 0);
        for (ResizeMode mode : ResizeMode.values()) {
            Resizer.Resized r = Resizer.resize(src, 128, 128, mode);
            assertThat(r.image().cols()).isEqualTo(128);
            assertThat(r.image().rows()).isEqualTo(128);
            Rect found = whiteBounds(r.image());
            ResizeTransform t = r.transform();
            assertThat(t.toSourceX(found.x())).as(mode + " x1").isCloseTo(bx1, within(2.0 / t.scaleX() + 1));
            assertThat(t.toSourceY(found.y())).as(mode + " y1").isCloseTo(by1, within(2.0 / t.scaleY() + 1));
            assertThat(t.toSourceX(found.x() + found.width())).as(mode + " x2").isCloseTo(bx2, within(2.0 / t.scaleX() + 1));
            assertThat(t.toSourceY(found.y() + found.height())).as(mode + " y2").isCloseTo(by2, within(2.0 / t.scaleY() + 1));
        }
    }

    @Test
    void transformsFollowTheGeometryOfEachMode() {
        Mat src = new Mat(480, 640, CV_8UC3, new Scalar(0, 0, 0, 0));
        ResizeTransform stretch = Resizer.resize(src, 64, 64, ResizeMode.STRETCH).transform();
        assertThat(stretch.scaleX()).isEqualTo(0.1);
        assertThat(stretch.scaleY()).isCloseTo(64 / 480.0, within(1e-9));
        ResizeTransform box = Resizer.resize(src, 64, 64, ResizeMode.LETTERBOX).transform();
        assertThat(box.scaleX()).isEqualTo(0.1);
        assertThat(box.padY()).isEqualTo(8); // 640x480 -> 64x48, 8 px bars top and bottom
        assertThat(box.padX()).isZero();
        ResizeTransform crop = Resizer.resize(src, 64, 64, ResizeMode.CENTER_CROP).transform();
        assertThat(crop.cropX()).isEqualTo(80); // the central 480x480 of 640x480
        assertThat(crop.cropY()).isZero();
        assertThat(crop.scaleX()).isCloseTo(64 / 480.0, within(1e-9));
    }

    /**
     * Shrinking must average away detail finer than the target's pixels, as INTER_AREA does (a plain bilinear resize
     * would turn 2-pixel stripes into stripes of black and white): every output pixel of a 0,0,255,255 column pattern
     * is mid-grey, and a real picture comes out within a grey level of OpenCV's INTER_AREA on average.
     */
    @Test
    void shrinkingAveragesFineDetailLikeAreaResize() {
        for (int[] size : new int[][] {{640, 480, 64}, {1280, 720, 224}, {1920, 1080, 224}}) {
            Mat stripes = new Mat(size[1], size[0], CV_8UC3);
            try (UByteIndexer idx = stripes.createIndexer()) {
                for (int y = 0; y < size[1]; y++)
                    for (int x = 0; x < size[0]; x++)
                        for (int c = 0; c < 3; c++) idx.put(y, x, c, (x / 2) % 2 == 0 ? 0 : 255);
            }
            Mat out = Resizer.resize(stripes, size[2], size[2], ResizeMode.STRETCH).image();
            try (UByteIndexer idx = out.createIndexer()) {
                for (int y = 0; y < size[2]; y++)
                    for (int x = 0; x < size[2]; x++)
                        assertThat(idx.get(y, x, 0)).as(size[0] + "x" + size[1] + " at " + x + "," + y).isBetween(87, 168);
            }
            Mat picture = new Mat(size[1], size[0], CV_8UC3);
            try (UByteIndexer idx = picture.createIndexer()) { // smooth ramps, a box with sharp edges below
                for (int y = 0; y < size[1]; y++)
                    for (int x = 0; x < size[0]; x++)
                        for (int c = 0; c < 3; c++) idx.put(y, x, c, (x * 200 / size[0] + y * 50 / size[1] + c * 20) % 256);
            }
            rectangle(picture, new Point(size[0] / 4, size[1] / 3), new Point(size[0] / 2, size[1] / 2), new Scalar(30, 200, 90, 0), FILLED, 8, 0);
            Mat ours = Resizer.resize(picture, size[2], size[2], ResizeMode.STRETCH).image();
            Mat area = new Mat();
            org.bytedeco.opencv.global.opencv_imgproc.resize(picture, area, new org.bytedeco.opencv.opencv_core.Size(size[2], size[2]),
                    0, 0, org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA);
            Mat diff = new Mat();
            org.bytedeco.opencv.global.opencv_core.absdiff(ours, area, diff);
            Scalar mean = org.bytedeco.opencv.global.opencv_core.mean(diff);
            assertThat((mean.get(0) + mean.get(1) + mean.get(2)) / 3).as(size[0] + "x" + size[1] + " vs INTER_AREA").isLessThan(1.0);
        }
    }

    @Test
    void letterboxPadsWithBlack() {
        Mat src = new Mat(480, 640, CV_8UC3, new Scalar(255, 255, 255, 0));
        Mat out = Resizer.resize(src, 64, 64, ResizeMode.LETTERBOX).image();
        try (UByteIndexer idx = out.createIndexer()) {
            assertThat(idx.get(0, 32, 0)).isZero();        // top bar
            assertThat(idx.get(63, 32, 0)).isZero();       // bottom bar
            assertThat(idx.get(32, 32, 0)).isEqualTo(255); // picture
        }
    }

    private static Rect whiteBounds(Mat m) {
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
        try (UByteIndexer idx = m.createIndexer()) {
            for (int y = 0; y < m.rows(); y++)
                for (int x = 0; x < m.cols(); x++)
                    if (idx.get(y, x, 0) > 127) {
                        minX = Math.min(minX, x);
                        minY = Math.min(minY, y);
                        maxX = Math.max(maxX, x);
                        maxY = Math.max(maxY, y);
                    }
        }
        return new Rect(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }
}
