package io.edgesight.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.edgesight.motion.MotionDetector;
import io.edgesight.motion.MotionMask;
import io.edgesight.motion.MotionMode;
import io.edgesight.motion.MotionSettings;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.global.opencv_video;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_video.BackgroundSubtractorMOG2;

/**
 * The choice of motion detector, measured on the motion part's scene: edgesight's frame differencing against a
 * running average ({@link MotionDetector}, the camera defaults) and OpenCV's MOG2 background subtractor on the same
 * small grey copy with the same region rule (largest 8-connected foreground region of at least motionMinArea pixels).
 * Per detector: time per frame (the decode is not counted), and the frames flagged as motion in the still and the
 * moving parts.
 */
final class MotionDetectors {
    record Row(String detector, double msPerFrame, long stillFlagged, int stillFrames, long movingFlagged, int movingFrames) {}

    private MotionDetectors() {}

    static List<Row> run(Path scene, MotionScene.Layout layout) throws Exception {
        MotionSettings d = MotionSettings.OFF;
        MotionSettings s = new MotionSettings(MotionMode.on, d.width(), d.threshold(), d.minArea(), d.globalChange(), 0, 0, d.alpha(),
                MotionMask.NONE);
        List<Row> rows = new ArrayList<>();
        long[] diff = new long[3]; // nanos, still flagged, moving flagged
        long[] mog = new long[3];
        try (MotionDetector detector = new MotionDetector(s);
             BackgroundSubtractorMOG2 mog2 = opencv_video.createBackgroundSubtractorMOG2(500, 16, false);
             Mat small = new Mat(); Mat grey = new Mat(); Mat fg = new Mat(); Mat labels = new Mat(); Mat stats = new Mat();
             Mat centroids = new Mat(); Size blur = new Size(5, 5);
             FFmpegFrameGrabber g = new FFmpegFrameGrabber(scene.toFile()); OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            g.start();
            for (int i = 0; i < layout.total(); i++) {
                Frame f = g.grabImage();
                if (f == null) break;
                Mat frame = conv.convert(f);
                int k = layout.moving(i) ? 2 : 1;
                long t0 = System.nanoTime();
                boolean a = detector.detect(frame).kind() == MotionDetector.Kind.motion;
                long t1 = System.nanoTime();
                int h = (int) Math.round((double) frame.rows() * s.width() / frame.cols());
                try (Size size = new Size(s.width(), h)) {
                    opencv_imgproc.resize(frame, small, size, 0, 0, opencv_imgproc.INTER_LINEAR);
                }
                opencv_imgproc.cvtColor(small, grey, opencv_imgproc.COLOR_BGR2GRAY);
                opencv_imgproc.GaussianBlur(grey, grey, blur, 0);
                mog2.apply(grey, fg);
                boolean b = false;
                if (i > 0 && opencv_core.countNonZero(fg) > 0) {
                    int n = opencv_imgproc.connectedComponentsWithStats(fg, labels, stats, centroids, 8, opencv_core.CV_32S);
                    java.nio.IntBuffer st = stats.createBuffer();
                    for (int r = 1; r < n && !b; r++) b = st.get(r * stats.cols() + opencv_imgproc.CC_STAT_AREA) >= s.minArea();
                }
                long t2 = System.nanoTime();
                diff[0] += t1 - t0;
                mog[0] += t2 - t1;
                if (a) diff[k]++;
                if (b) mog[k]++;
            }
            g.stop();
        }
        int still = layout.stillBefore() + layout.stillAfter();
        rows.add(new Row("frame differencing, running average (edgesight)", HarnessContext.round(diff[0] / 1e6 / layout.total(), 3),
                diff[1], still, diff[2], layout.moving()));
        rows.add(new Row("OpenCV MOG2 (history 500, varThreshold 16)", HarnessContext.round(mog[0] / 1e6 / layout.total(), 3),
                mog[1], still, mog[2], layout.moving()));
        return rows;
    }

    static Table table(List<Row> rows) {
        Table t = new Table("detector (160 px grey copy)", "ms / frame", "still frames flagged", "moving frames flagged");
        for (Row r : rows) {
            t.row(r.detector(), ThroughputPart.fmt(r.msPerFrame(), 3), r.stillFlagged() + " of " + r.stillFrames(),
                    r.movingFlagged() + " of " + r.movingFrames());
        }
        return t;
    }
}
