package io.edgesight.sample;

import io.edgesight.tooling.SampleModelTrainer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.proto.DataType;

/** Checks the committed sample SavedModel and the sample video generator against each other. */
class SampleModelTest {

  /** Committed model dir; override with -Dedgesight.sample.model=... */
  static final Path MODEL_DIR = Path.of(System.getProperty("edgesight.sample.model", "samples/models/shapes"));
  static final int PIXELS = SampleModelTrainer.INPUT_SIZE * SampleModelTrainer.INPUT_SIZE * 3;

  @Test
  void committedModelHasExpectedSignatureAndClassifiesRenderedFrames() throws Exception {
    assertEquals(ShapeRenderer.LABELS, Files.readAllLines(MODEL_DIR.resolve("labels.txt"), StandardCharsets.UTF_8));
    try (SavedModelBundle model = SavedModelBundle.load(MODEL_DIR.toString(), "serve")) {
      Signature sig = model.function(Signature.DEFAULT_KEY).signature();
      assertEquals("tensorflow/serving/predict", sig.methodName());
      assertEquals(List.of("image"), List.copyOf(sig.inputNames()));
      assertEquals(List.of("logits"), List.copyOf(sig.outputNames()));
      Signature.TensorDescription in = sig.getInputs().get("image");
      assertEquals(DataType.DT_FLOAT, in.dataType);
      // Shape.equals() is false whenever a dimension is unknown (-1), so compare the arrays
      assertArrayEquals(new long[] {-1, 64, 64, 3}, in.shape.asArray());
      Signature.TensorDescription out = sig.getOutputs().get("logits");
      assertEquals(DataType.DT_FLOAT, out.dataType);
      assertArrayEquals(new long[] {-1, 4}, out.shape.asArray());

      int n = 40;
      Random rnd = new Random(20240601L);
      int[] labels = new int[n];
      float[] images = new float[n * PIXELS];
      for (int i = 0; i < n; i++) {
        labels[i] = i % ShapeRenderer.LABELS.size();
        try (Mat m = ShapeRenderer.render(labels[i], 640, 480, rnd)) {
          SampleModelTrainer.preprocess(m, images, i * PIXELS);
        }
      }
      assertAccuracy(labels, SampleModelTrainer.predict(model, images, n), 0.95);
    }
  }

  @Test
  void generatedVideoDecodesFrameExactAndMatchesGroundTruth(@TempDir Path dir) throws Exception {
    int frames = 60;
    Path video = dir.resolve("sample.mp4"), csv = dir.resolve("sample.csv");
    SampleVideoGenerator.generate(video, csv, frames, 10, 99L);

    List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertEquals("seq,label", rows.get(0));
    assertEquals(frames + 1, rows.size());
    int[] truth = new int[frames];
    for (int i = 0; i < frames; i++) {
      String[] cols = rows.get(i + 1).split(",");
      assertEquals(String.valueOf(i), cols[0]);
      truth[i] = ShapeRenderer.LABELS.indexOf(cols[1]);
      assertTrue(truth[i] >= 0, cols[1]);
    }

    List<float[]> decoded = new ArrayList<>();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile());
        OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
      g.start();
      assertEquals(640, g.getImageWidth());
      assertEquals(480, g.getImageHeight());
      Frame f;
      while ((f = g.grabImage()) != null) {
        float[] x = new float[PIXELS];
        SampleModelTrainer.preprocess(conv.convert(f), x, 0); // Mat shares the frame's buffer
        decoded.add(x);
      }
      g.stop();
    }
    assertEquals(frames, decoded.size(), "decoded frame count");

    float[] images = new float[frames * PIXELS];
    for (int i = 0; i < frames; i++) System.arraycopy(decoded.get(i), 0, images, i * PIXELS, PIXELS);
    try (SavedModelBundle model = SavedModelBundle.load(MODEL_DIR.toString(), "serve")) {
      assertAccuracy(truth, SampleModelTrainer.predict(model, images, frames), 0.95);
    }
  }

  private static void assertAccuracy(int[] truth, int[] pred, double min) {
    int ok = 0;
    for (int i = 0; i < truth.length; i++) if (truth[i] == pred[i]) ok++;
    double acc = ok / (double) truth.length;
    System.out.printf("accuracy %d/%d = %.3f%n", ok, truth.length, acc);
    assertTrue(acc >= min, "accuracy " + acc + " < " + min);
  }
}
