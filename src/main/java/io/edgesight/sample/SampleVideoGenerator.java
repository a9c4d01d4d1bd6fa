package io.edgesight.sample;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG4;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the sample video: 640x480 MPEG-4 Part 2 in MP4 (the LGPL FFmpeg bundled with JavaCV has
 * no libx264, and mpeg4 decodes everywhere: GStreamer avdec_mpeg4, Debian ffmpeg, browsers via
 * ffmpeg). One shape at a time, in segments of 10..20 frames, moving slowly; a CSV gives the class
 * of every frame.
 */
public final class SampleVideoGenerator {

  private static final Logger LOG = LoggerFactory.getLogger(SampleVideoGenerator.class);

  public static final int WIDTH = 640, HEIGHT = 480;

  private SampleVideoGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SampleVideoGenerator <video.mp4> <groundtruth.csv> [frames=300] [fps=10] [seed=7]");
      System.exit(2);
    }
    generate(Path.of(args[0]), Path.of(args[1]),
        args.length > 2 ? Integer.parseInt(args[2]) : 300,
        args.length > 3 ? Integer.parseInt(args[3]) : 10,
        args.length > 4 ? Long.parseLong(args[4]) : 7L);
  }

  /**
   * Writes {@code frames} frames at {@code fps} to {@code video} and the ground truth ({@code
   * seq,label}, seq from 0) to {@code groundTruthCsv}. Both go to temp files first, the video is
   * decoded back and its frame count checked, then both are renamed into place.
   *
   * @throws IOException on I/O or encoding errors, or if the decoded frame count differs
   */
  public static void generate(Path video, Path groundTruthCsv, int frames, int fps, long seed) throws IOException {
    if (frames < 1 || fps < 1) throw new IllegalArgumentException("frames and fps must be >= 1");
    Path v = video.toAbsolutePath(), csv = groundTruthCsv.toAbsolutePath();
    Files.createDirectories(v.getParent());
    Files.createDirectories(csv.getParent());
    Path tmpVideo = Files.createTempFile(v.getParent(), ".sample-", ".mp4"); // same dir: rename stays atomic
    Path tmpCsv = Files.createTempFile(csv.getParent(), ".sample-", ".csv");
    try {
      List<Integer> truth = record(tmpVideo, frames, fps, new Random(seed));
      try (BufferedWriter w = Files.newBufferedWriter(tmpCsv, StandardCharsets.UTF_8)) {
        w.write("seq,label\n");
        for (int i = 0; i < truth.size(); i++) w.write(i + "," + ShapeRenderer.LABELS.get(truth.get(i)) + "\n");
      }
      int decoded = countFrames(tmpVideo);
      if (decoded != frames) throw new IOException("encoded " + frames + " frames but decoded " + decoded);
      Files.move(tmpCsv, csv, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmpVideo, v, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      LOG.info("wrote {} ({} frames @ {} fps, {} bytes) and {}", v, frames, fps, Files.size(v), csv);
    } finally {
      Files.deleteIfExists(tmpVideo);
      Files.deleteIfExists(tmpCsv);
    }
  }

  /** Number of video frames FFmpeg decodes from {@code video} (grabImage skips audio). */
  public static int countFrames(Path video) throws IOException {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
      g.start();
      int n = 0;
      while (g.grabImage() != null) n++;
      g.stop();
      return n;
    }
  }

  /** Encodes the frames; returns the class id of each frame. */
  private static List<Integer> record(Path out, int frames, int fps, Random rnd) throws IOException {
    List<Integer> truth = new ArrayList<>(frames);
    List<Integer> cycle = new ArrayList<>();
    int prev = -1;
    try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out.toFile(), WIDTH, HEIGHT, 0);
        OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
        Mat bg = new Mat(HEIGHT, WIDTH, opencv_core.CV_8UC3);
        Mat frame = new Mat()) {
      rec.setFormat("mp4");
      rec.setVideoCodec(AV_CODEC_ID_MPEG4);
      rec.setPixelFormat(AV_PIX_FMT_YUV420P);
      rec.setFrameRate(fps);
      rec.setGopSize(fps); // a keyframe every second: seeking and looping stay cheap
      rec.setMaxBFrames(0); // decode order == presentation order, no reordering delay
      rec.setVideoQuality(2); // constant qscale 2: near-lossless, colours survive 4:2:0
      rec.start();
      while (truth.size() < frames) {
        if (cycle.isEmpty()) { // next pseudo-random permutation of all classes, no immediate repeat
          for (int c = 0; c < ShapeRenderer.LABELS.size(); c++) cycle.add(c);
          do Collections.shuffle(cycle, rnd); while (cycle.get(0) == prev);
        }
        int cls = cycle.remove(0);
        prev = cls;
        int len = Math.min(10 + rnd.nextInt(11), frames - truth.size());
        ShapeRenderer.background(bg, rnd);
        Scalar color = ShapeRenderer.color(cls, rnd);
        double size = HEIGHT * (0.22 + 0.2 * rnd.nextDouble()), r = size / 2;
        double x = r + rnd.nextDouble() * (WIDTH - size), y = r + rnd.nextDouble() * (HEIGHT - size);
        double vx = (1 + 3 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
        double vy = (1 + 3 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
        double angle = rnd.nextDouble() * 360, spin = rnd.nextDouble() * 4 - 2;
        for (int i = 0; i < len; i++) {
          bg.copyTo(frame);
          ShapeRenderer.drawShape(frame, cls, x, y, size, angle, color);
          Frame f = conv.convert(frame);
          rec.record(f);
          truth.add(cls);
          // slow drift, bouncing off the borders
          if (x + vx < r || x + vx > WIDTH - r) vx = -vx;
          if (y + vy < r || y + vy > HEIGHT - r) vy = -vy;
          x += vx;
          y += vy;
          angle += spin;
        }
        color.close();
      }
      rec.stop(); // flushes the encoder's delayed packets and writes the moov atom
    }
    return truth;
  }
}
