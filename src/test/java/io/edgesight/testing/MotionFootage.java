package io.edgesight.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Real footage for the motion tests: OpenCV's vtest.avi (people walking across a still scene) from Debian's
 * opencv-doc, fetched by {@code samples/motion/footage.sh} as a user runs it, and the photographs of
 * {@link DetectorSample#photos()}. Tools missing: skipped on a developer machine, failing under CI.
 */
public final class MotionFootage {
    public static final Path VTEST = Path.of("samples/motion/.download/vtest.avi");
    private static boolean fetched;

    private MotionFootage() {}

    public static synchronized Path vtest() {
        if (!fetched) {
            DetectorSample.requireTool("apt-get");
            DetectorSample.requireTool("dpkg-deb");
            DetectorSample.run(List.of("bash", "samples/motion/footage.sh"), 600);
            fetched = true;
        }
        return VTEST;
    }

    /** A photograph of {@link DetectorSample#photos()} (BGR); the caller closes it. */
    public static Mat photo(String name) {
        Mat m = opencv_imgcodecs.imread(DetectorSample.photos().resolve(name).toString());
        if (m.empty()) throw new IllegalStateException("cannot read photo " + name);
        return m;
    }

    /** Hands frames {@code from} .. {@code from + count - 1} of the video to {@code each} (closed after the call). */
    public static void frames(Path video, int from, int count, Consumer<Mat> each) {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile());
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
            g.start();
            for (int i = 0; i < from + count; i++) {
                Frame f = g.grabImage();
                if (f == null) break;
                if (i < from) continue;
                try (Mat m = conv.convert(f).clone()) {
                    each.accept(m);
                }
            }
            g.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + video + ": " + e, e);
        }
    }

    /** Frames of the video as clones (the caller closes them). */
    public static List<Mat> read(Path video, int from, int count) {
        List<Mat> out = new ArrayList<>();
        frames(video, from, count, m -> out.add(m.clone()));
        return out;
    }
}
