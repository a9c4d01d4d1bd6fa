package io.edgesight.engine;

import java.nio.file.Path;

import io.edgesight.config.Settings;
import io.edgesight.preprocess.ChannelOrder;
import io.edgesight.preprocess.ResizeMode;

/**
 * What the user declared for one model under {@code edgesight.models.<id>.*}: where it is, the batch size the
 * engine is built for, and how frames are prepared and predictions decoded.
 */
public record ModelSpec(String id, Path path, Path labels, int batchSize, ResizeMode resize, ChannelOrder channelOrder,
                        String normalize, double[] mean, double[] std, String output, String outputKind,
                        int topK, double minScore, int threads, Precision precision,
                        String runtime) {

    public static final String PREFIX = "edgesight.models.";

    public static ModelSpec from(String id, Settings s) {
        String p = PREFIX + id + ".";
        String path = s.required(p + "path");
        String labels = s.string(p + "labels", null);
        int batch = s.integer(p + "batch-size");
        ResizeMode resize = ResizeMode.parse(s.string(p + "resize"), p + "resize");
        ChannelOrder order = ChannelOrder.parse(s.string(p + "channel-order"), p + "channel-order");
        String norm = s.string(p + "normalize");
        String kind = s.string(p + "output-kind");
        if (!kind.equals("auto") && !kind.equals("logits") && !kind.equals("probabilities")) {
            throw new io.edgesight.config.UserError(p + "output-kind must be auto, logits or probabilities, got '" + kind + "'");
        }
        return new ModelSpec(id, Path.of(path), labels == null ? null : Path.of(labels), batch, resize, order, norm,
                s.decimals(p + "mean"), s.decimals(p + "std"), s.string(p + "output", null), kind,
                s.integer(p + "top-k"), s.decimal(p + "min-score", 0.0),
                s.integer(p + "threads", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 256),
                Precision.parse(s.string(p + "precision"), p + "precision"),
                runtime(s.string(p + "runtime"), p + "runtime"));
    }

    /** The runtimes a model can be pinned to; {@code auto} lets {@link Engines#select} choose. */
    public static final java.util.List<String> RUNTIMES = java.util.List.of("auto", TfEngine.RUNTIME, OrtEngine.RUNTIME, TrtEngine.RUNTIME);

    private static String runtime(String value, String key) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (!RUNTIMES.contains(v)) {
            throw new io.edgesight.config.UserError(key + ": unknown runtime '" + value + "'; use one of " + String.join(", ", RUNTIMES));
        }
        return v;
    }

    /** The same model for another batch size. */
    public ModelSpec withBatchSize(int batch) {
        return new ModelSpec(id, path, labels, batch, resize, channelOrder, normalize, mean, std, output, outputKind,
                topK, minScore, threads, precision, runtime);
    }
}
