package io.edgesight.bench;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.nio.file.Files;
import java.nio.file.Path;

import io.edgesight.config.UserError;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The motion part's scene, built from real footage at bench time (never committed): a real photograph held still
 * (with a camera's sensor noise, sigma 3 grey levels, fresh every frame), then a segment of OpenCV's vtest.avi (people
 * walking through a hall), then the photograph again; 640x480 at 10 fps, MPEG-4 like the sample video.
 */
final class MotionScene {
    static final int WIDTH = 640;
    static final int HEIGHT = 480;
    static final int FPS = 10;
    static final Path PHOTO = Path.of("samples/detector/.download/photos/motorcycle_left.png");
    static final Path VTEST = Path.of("samples/motion/.download/vtest.avi");

    /** Frames of each segment: still, moving, still. */
    record Layout(int stillBefore, int moving, int stillAfter) {
        int total() { return stillBefore + moving + stillAfter; }
        boolean moving(long seq) { return seq >= stillBefore && seq < stillBefore + moving; }
    }

    private MotionScene() {}

    static Layout write(Path file, Layout layout) throws Exception {
        if (!Files.isRegularFile(PHOTO)) {
            throw new UserError("bench motion needs the test photographs: run samples/detector/photos.sh (missing " + PHOTO + ")");
        }
        if (!Files.isRegularFile(VTEST)) {
            throw new UserError("bench motion needs OpenCV's vtest.avi: run samples/motion/footage.sh (missing " + VTEST + ")");
        }
        Files.createDirectories(file.getParent());
        try (Mat raw = opencv_imgcodecs.imread(PHOTO.toString()); Mat photo = new Mat(); Mat noisy = new Mat();
             Mat noise = new Mat(HEIGHT, WIDTH, opencv_core.CV_16SC3); Mat wide = new Mat();
             Mat mean = new Mat(1, 1, opencv_core.CV_64F, new Scalar(0)); Mat sd = new Mat(1, 1, opencv_core.CV_64F, new Scalar(3));
             Size size = new Size(WIDTH, HEIGHT);
             FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
             FFmpegFrameGrabber vtest = new FFmpegFrameGrabber(VTEST.toFile());
             OpenCVFrameConverter.ToMat in = new OpenCVFrameConverter.ToMat(); Mat scaled = new Mat()) {
            opencv_imgproc.resize(raw, photo, size, 0, 0, opencv_imgproc.INTER_AREA);
            photo.convertTo(wide, opencv_core.CV_16SC3);
            rec.setFormat("mp4");
            rec.setVideoCodec(AV_CODEC_ID_MPEG4);
            rec.setPixelFormat(AV_PIX_FMT_YUV420P);
            rec.setFrameRate(FPS);
            rec.setGopSize(FPS);
            rec.setMaxBFrames(0);
            rec.setVideoQuality(2);
            rec.start();
            vtest.start();
            for (int i = 0; i < layout.total(); i++) {
                Mat frame;
                if (layout.moving(i)) {
                    Frame f = vtest.grabImage();
                    if (f == null) throw new IllegalStateException(VTEST + " has fewer than " + layout.moving() + " frames");
                    opencv_imgproc.resize(in.convert(f), scaled, size, 0, 0, opencv_imgproc.INTER_AREA);
                    frame = scaled;
                } else {
                    opencv_core.randn(noise, mean, sd);
                    try (Mat sum = new Mat()) {
                        opencv_core.add(wide, noise, sum);
                        sum.convertTo(noisy, opencv_core.CV_8UC3);
                    }
                    frame = noisy;
                }
                rec.record(conv.convert(frame));
            }
            vtest.stop();
            rec.stop();
        }
        return layout;
    }
}
