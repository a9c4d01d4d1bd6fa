package io.edgesight.testing;

import java.io.IOException;
import java.nio.file.Path;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Small SavedModels built by the tests themselves, with outputs a test can compute by hand. */
public final class TestModels {
    private TestModels() {}

    /**
     * Image model: input "image" float32 [batch, h, w, 3] (batch -1 = dynamic) -> output "mean" [batch, 3], the
     * per-channel mean of each image. Every row's output depends on that row only.
     */
    public static Path channelMean(Path dir, long batch, int h, int w) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, h, w, 3)));
            Operand<TFloat32> mean = tf.withName("mean").math.mean(in, tf.constant(new int[] {1, 2}));
            export(dir, s, Signature.builder().key(Signature.DEFAULT_KEY).input("image", in).output("mean", mean).build());
        }
        return dir;
    }

    /**
     * {@link #channelMean} that fails on an all-white frame (unit normalisation: every value 1.0): it computes
     * 1 / (1 - mean of the row) and checks it with CheckNumerics, so that row's Inf is a real TensorFlow error
     * (InvalidArgument) for the whole run. Padding rows (zeros) never fail.
     */
    public static Path failsOnWhite(Path dir, long batch, int h, int w) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, h, w, 3)));
            Operand<TFloat32> mean = tf.math.mean(in, tf.constant(new int[] {1, 2}));
            Operand<TFloat32> rowMean = tf.math.mean(in, tf.constant(new int[] {1, 2, 3}));
            Operand<TFloat32> checked = tf.debugging.checkNumerics(
                    tf.math.reciprocal(tf.math.sub(tf.constant(1f), rowMean)), "white frame: 1/(1-mean) is not finite");
            Operand<TFloat32> out = tf.withName("mean").math.add(mean,
                    tf.math.mul(tf.expandDims(checked, tf.constant(-1)), tf.constant(0f)));
            export(dir, s, Signature.builder().key(Signature.DEFAULT_KEY).input("image", in).output("mean", out).build());
        }
        return dir;
    }

    /**
     * {@link #channelMean} whose run blocks when a batch holds an all-white frame: only then does it read
     * {@code fifo} (a named pipe; the read waits until someone writes to it), through a Switch/Merge conditional,
     * so warm-up and ordinary frames never touch it. A real engine run that hangs until the test lets it go.
     */
    public static Path hangsOnWhite(Path dir, long batch, int h, int w, Path fifo) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, h, w, 3)));
            Operand<TFloat32> mean = tf.math.mean(in, tf.constant(new int[] {1, 2}));
            Operand<TFloat32> rowMean = tf.math.mean(in, tf.constant(new int[] {1, 2, 3}));
            Operand<org.tensorflow.types.TBool> white = tf.any(tf.math.greaterEqual(rowMean, tf.constant(0.999f)), tf.constant(0));
            var path = tf.switchCond(tf.constant(fifo.toAbsolutePath().toString()), white);
            Operand<TFloat32> read = tf.math.mul(tf.dtypes.cast(tf.strings.stringLength(tf.io.readFile(path.outputTrue())), TFloat32.class),
                    tf.constant(0f));
            var zero = tf.switchCond(tf.constant(0f), white);
            Operand<TFloat32> none = tf.identity(zero.outputFalse());
            Operand<TFloat32> merged = tf.merge(java.util.List.of(read, none)).output();
            Operand<TFloat32> out = tf.withName("mean").math.add(mean, merged);
            export(dir, s, Signature.builder().key(Signature.DEFAULT_KEY).input("image", in).output("mean", out).build());
        }
        return dir;
    }

    /** A model whose input is a plain vector [batch, 10]: not an image. */
    public static Path vectorModel(Path dir) throws IOException {
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.withName("features").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 10)));
            Operand<TFloat32> out = tf.withName("scores").math.mul(in, tf.constant(2f));
            export(dir, s, Signature.builder().key(Signature.DEFAULT_KEY).input("features", in).output("scores", out).build());
        }
        return dir;
    }

    /**
     * A TF Object Detection API-style SavedModel: input "image_tensor" uint8 [batch, h, w, 3], outputs
     * detection_boxes [batch, K, 4] (normalised ymin, xmin, ymax, xmax), detection_scores [batch, K],
     * detection_classes [batch, K] (label map ids, float as the OD API writes them) and num_detections [batch]:
     * for every frame the given values, plus zero times the frame's mean, so the graph reads its input and every
     * output has the input's batch dimension.
     */
    public static Path odApi(Path dir, int h, int w, float[] boxes, float[] scores, float[] classes, float num) throws IOException {
        int k = scores.length;
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<org.tensorflow.types.TUint8> in = tf.withName("image_tensor").placeholder(
                    org.tensorflow.types.TUint8.class, Placeholder.shape(Shape.of(-1, h, w, 3)));
            Operand<TFloat32> zero = tf.math.mul(tf.math.mean(tf.dtypes.cast(in, TFloat32.class),
                    tf.constant(new int[] {1, 2, 3})), tf.constant(0f)); // [batch]
            Operand<TFloat32> b = tf.withName("detection_boxes").math.add(
                    tf.constant(Shape.of(1, k, 4), org.tensorflow.ndarray.buffer.DataBuffers.of(boxes)),
                    tf.reshape(zero, tf.constant(new int[] {-1, 1, 1})));
            Operand<TFloat32> sc = tf.withName("detection_scores").math.add(
                    tf.constant(Shape.of(1, k), org.tensorflow.ndarray.buffer.DataBuffers.of(scores)),
                    tf.reshape(zero, tf.constant(new int[] {-1, 1})));
            Operand<TFloat32> cl = tf.withName("detection_classes").math.add(
                    tf.constant(Shape.of(1, k), org.tensorflow.ndarray.buffer.DataBuffers.of(classes)),
                    tf.reshape(zero, tf.constant(new int[] {-1, 1})));
            Operand<TFloat32> n = tf.withName("num_detections").math.add(tf.constant(new float[] {num}), zero);
            export(dir, s, Signature.builder().key(Signature.DEFAULT_KEY).input("inputs", in)
                    .output("detection_boxes", b).output("detection_scores", sc).output("detection_classes", cl)
                    .output("num_detections", n).build());
        }
        return dir;
    }

    /**
     * A SavedModel with the four outputs of an EfficientNMS-style export and their integer types: input "images"
     * float32 [batch, h, w, 3]; num_dets int32 [batch, 1], det_boxes float32 [batch, K, 4] (x1, y1, x2, y2 pixels),
     * det_scores float32 [batch, K], det_classes int64 [batch, K]; every frame gets the given values.
     */
    public static Path efficientNms(Path dir, int h, int w, float[] boxes, float[] scores, long[] classes, int num) throws IOException {
        int k = scores.length;
        try (Graph g = new Graph(); Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> in = tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, h, w, 3)));
            Operand<TFloat32> zero = tf.math.mul(tf.math.mean(in, tf.constant(new int[] {1, 2, 3})), tf.constant(0f)); // [batch]
            Operand<TFloat32> b = tf.withName("det_boxes").math.add(
                    tf.constant(Shape.of(1, k, 4), org.tensorflow.ndarray.buffer.DataBuffers.of(boxes)),
                    tf.reshape(zero, tf.constant(new int[] {-1, 1, 1})));
            Operand<TFloat32> sc = tf.withName("det_scores").math.add(
                    tf.constant(Shape.of(1, k), org.tensorflow.ndarray.buffer.DataBuffers.of(scores)),
                    tf.reshape(zero, tf.constant(new int[] {-1, 1})));
            Operand<org.tensorflow.types.TInt64> cl = tf.withName("det_classes").math.add(
                    tf.constant(Shape.of(1, k), org.tensorflow.ndarray.buffer.DataBuffers.of(classes)),
                    tf.dtypes.cast(tf.reshape(zero, tf.constant(new int[] {-1, 1})), org.tensorflow.types.TInt64.class));
            Operand<org.tensorflow.types.TInt32> n = tf.withName("num_dets").math.add(tf.constant(new int[][] {{num}}),
                    tf.dtypes.cast(tf.reshape(zero, tf.constant(new int[] {-1, 1})), org.tensorflow.types.TInt32.class));
            export(dir, s, Signature.builder().key(Signature.DEFAULT_KEY).input("images", in)
                    .output("det_boxes", b).output("det_scores", sc).output("det_classes", cl).output("num_dets", n).build());
        }
        return dir;
    }

    private static void export(Path dir, Session s, Signature sig) throws IOException {
        SavedModelBundle.exporter(dir.toString()).withFunction(SessionFunction.create(sig, s)).export();
    }
}
