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

    private static void export(Path dir, Session s, Signature sig) throws IOException {
        SavedModelBundle.exporter(dir.toString()).withFunction(SessionFunction.create(sig, s)).export();
    }
}
