package io.edgesight.jmh;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.edgesight.sample.ShapeRenderer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Short test clips at a given resolution, encoded like the sample video (MPEG-4 in MP4, a keyframe per second). */
final class Clips {
    static final int FRAMES = 100;
    static final int FPS = 25;

    private Clips() {}

    /** Width and height of a "WxH" parameter. */
    static int[] size(String wxh) {
        String[] p = wxh.split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    /** Writes a clip of a shape drifting over a textured background, in {@code dir}. */
    static Path write(Path dir, int width, int height) throws IOException {
        Path out = dir.resolve("clip-" + width + "x" + height + ".mp4");
        Random rnd = new Random(7);
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
             Mat bg = new Mat(height, width, org.bytedeco.opencv.global.opencv_core.CV_8UC3);
             Mat frame = new Mat()) {
            rec.setFormat("mp4");
            rec.setVideoCodec(AV_CODEC_ID_MPEG4);
            rec.setPixelFormat(AV_PIX_FMT_YUV420P);
            rec.setFrameRate(FPS);
            rec.setGopSize(FPS);
            rec.setMaxBFrames(0);
            rec.setVideoQuality(2);
            rec.start();
            ShapeRenderer.background(bg, rnd);
            try (Scalar colour = ShapeRenderer.color(0, rnd)) {
                double size = height * 0.3;
                for (int i = 0; i < FRAMES; i++) {
                    bg.copyTo(frame);
                    ShapeRenderer.drawShape(frame, 0, size + i * (width - 2 * size) / FRAMES, height / 2.0, size, i * 3, colour);
                    rec.record(conv.convert(frame));
                }
            }
            rec.stop();
        }
        if (Files.size(out) == 0) throw new IOException("empty clip " + out);
        return out;
    }
}
