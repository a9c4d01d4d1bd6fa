package io.edgesight.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.edgesight.camera.CameraException;
import io.edgesight.camera.Frame;
import io.edgesight.camera.FfmpegFrameSource;
import io.edgesight.preprocess.ChannelOrder;
import io.edgesight.preprocess.Normalization;
import io.edgesight.preprocess.ResizeMode;
import io.edgesight.preprocess.Resizer;
import io.edgesight.preprocess.TensorWriter;
import io.edgesight.sink.Annotator;
import io.edgesight.sink.FrameStore;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The camera side of one frame, with the pipeline's own classes: FFmpeg decode of a video frame to 8-bit BGR
 * ({@link FfmpegFrameSource#grab}, the copy out of the grabber's buffer included), the stretch resize to the model
 * input ({@link Resizer}) and the normalisation into a row of native tensor memory ({@link TensorWriter}, as the
 * engine's own writer). Also the copy of the frame that the camera route keeps for latest.jpg (FrameStore.keep), and
 * the JPEG it used to encode for it on every frame.
 * {@code input} 64 = the sample model (64x64, unit), 224 = ResNet-50 (224x224, caffe).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PreprocessBenchmark {

    @Param({"640x480", "1280x720", "1920x1080"})
    public String source;

    @Param({"64", "224"})
    public int input;

    private Path dir;
    private FfmpegFrameSource video;
    private Mat still;
    private TensorWriter writer;
    private BytePointer row;
    private final FrameStore frames = new FrameStore(480, 80);
    private long seq;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int[] wh = Clips.size(source);
        dir = Files.createTempDirectory("edgesight-jmh");
        Path clip = Clips.write(dir, wh[0], wh[1]);
        video = new FfmpegFrameSource("jmh", clip.toString(), null, Map.of());
        video.open();
        still = next();
        Normalization norm = input == 64 ? Normalization.of("unit", 3, null, null, "jmh")
                : Normalization.of("caffe", 3, null, null, "jmh");
        writer = new TensorWriter(input, input, 3, input == 64 ? ChannelOrder.RGB : ChannelOrder.BGR, norm, true);
        row = new BytePointer(writer.rowBytes());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        video.close();
        still.close();
        row.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
        }
        Files.delete(dir);
    }

    /** The next decoded frame, looping at the end of the clip. */
    private Mat next() throws CameraException {
        Mat m = video.grab();
        if (m == null) {
            if (!video.rewind()) throw new IllegalStateException("cannot rewind " + video.describe());
            m = video.grab();
        }
        return m;
    }

    /** Decode of one frame (BGR, owned copy). */
    @Benchmark
    public int decode() throws CameraException {
        try (Mat m = next()) {
            return m.cols();
        }
    }

    /** Resize + normalise of a decoded frame into the tensor row (what preprocess: and the batcher do). */
    @Benchmark
    public long resizeNormalise() {
        Resizer.Resized r = Resizer.resize(still, input, input, ResizeMode.STRETCH);
        try (Mat m = r.image()) {
            writer.write(m, row.address());
        }
        return row.address();
    }

    /** Decode + resize + normalise: the camera side of one frame. */
    @Benchmark
    public long decodeResizeNormalise() throws CameraException {
        try (Mat frame = next()) {
            Resizer.Resized r = Resizer.resize(frame, input, input, ResizeMode.STRETCH);
            try (Mat m = r.image()) {
                writer.write(m, row.address());
            }
        }
        return row.address();
    }

    /** A JPEG of the frame at edgesight.frames.width 480, quality 80: what the camera route kept per frame before. */
    @Benchmark
    public int keepJpeg() {
        return Annotator.downscaledJpeg(still, 480, 80).length;
    }

    /** What the camera route keeps per frame for latest.jpg and snapshots now ({@link FrameStore#keep}). */
    @Benchmark
    public long keepFrame() {
        frames.keep(new Frame("jmh", ++seq, 0, 0, still)); // not closed: the Frame only wraps the still image
        return seq;
    }
}
