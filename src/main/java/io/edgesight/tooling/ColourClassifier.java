package io.edgesight.tooling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.edgesight.sample.ShapeRenderer;

/**
 * The sample's four classes told apart by colour alone, as an ONNX model with hand-set weights (no training, fully
 * deterministic): input {@code image} float32 {@code [batch, 3, 64, 64]} NCHW, RGB in 0..1 (channel-order=RGB,
 * normalize=unit), output {@code probabilities} {@code [batch, 4]} in {@link ShapeRenderer#LABELS} order.
 *
 * <p>Graph: a 1x1 Conv computes four colour features per pixel and Relu keeps only strongly coloured pixels
 * (the gray, slightly tinted background of the sample never passes the 0.3 threshold): red = r-g, green = g-r,
 * blue = b-r, yellow-or-green = g-b. GlobalAveragePool turns them into the area-weighted strength of each colour,
 * Gemm maps them to class logits (yellow = (g-b) - 5 (g-r), so that green shapes do not count as yellow) and
 * Softmax gives probabilities.
 */
public final class ColourClassifier {
    public static final int SIZE = 64;
    public static final String INPUT = "image";
    public static final String OUTPUT = "probabilities";
    static final float THRESHOLD = 0.3f;
    static final float SCALE = 100f;

    private ColourClassifier() {}

    /** Writes the model (and labels.txt next to it); returns the model file. */
    public static Path write(Path file) throws IOException {
        return write(file, 17);
    }

    /** The same model declaring another ai.onnx opset (tests of what the runtime refuses). */
    public static Path write(Path file, int opset) throws IOException {
        OnnxWriter w = new OnnxWriter().opset(opset).graphName("colour_classifier")
                .metadata("generator", ColourClassifier.class.getName())
                .metadata("labels", String.join(",", ShapeRenderer.LABELS));
        w.input(INPUT, OnnxWriter.FLOAT, "batch", 3, SIZE, SIZE);
        // per-pixel features, input channels R, G, B
        w.initializer("features.weight", new long[] {4, 3, 1, 1}, new float[] {
                1, -1, 0,   // red:    r - g
                -1, 1, 0,   // green:  g - r
                -1, 0, 1,   // blue:   b - r
                0, 1, -1}); // yellow or green: g - b
        w.initializer("features.bias", new long[] {4}, new float[] {-THRESHOLD, -THRESHOLD, -THRESHOLD, -THRESHOLD});
        w.node("Conv", List.of(INPUT, "features.weight", "features.bias"), "features").attr("kernel_shape", 1L, 1L);
        w.node("Relu", List.of("features"), "coloured");
        w.node("GlobalAveragePool", List.of("coloured"), "pooled");
        w.node("Flatten", List.of("pooled"), "strength").attr("axis", 1L);
        // logits = strength x W^T + b, rows = classes (transB)
        w.initializer("classes.weight", new long[] {4, 4}, new float[] {
                SCALE, 0, 0, 0,
                0, SCALE, 0, 0,
                0, 0, SCALE, 0,
                0, -5 * SCALE, 0, SCALE});
        w.initializer("classes.bias", new long[] {4}, new float[4]);
        w.node("Gemm", List.of("strength", "classes.weight", "classes.bias"), "logits").attr("transB", 1L);
        w.node("Softmax", List.of("logits"), OUTPUT).attr("axis", 1L);
        w.output(OUTPUT, OnnxWriter.FLOAT, "batch", ShapeRenderer.LABELS.size());
        w.write(file);
        Path labels = file.toAbsolutePath().resolveSibling("labels.txt");
        Files.write(labels, ShapeRenderer.LABELS, StandardCharsets.UTF_8);
        return file;
    }
}
