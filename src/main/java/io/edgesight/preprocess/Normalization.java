package io.edgesight.preprocess;

import java.util.Arrays;

import io.edgesight.config.UserError;

/**
 * Per-channel affine map from 8-bit pixel values x (0..255) to model values: {@code y = x * scale[c] + offset[c]},
 * channels in the model's order. Every preset is one such map, so one OpenCV pass applies any of them.
 */
public final class Normalization {
    /** Keras ResNet50 preprocess_input ("caffe" mode): BGR means of ImageNet, no scaling. */
    static final double[] CAFFE_MEAN_BGR = {103.939, 116.779, 123.68};

    public enum Preset { raw, unit, symmetric, caffe, custom }

    private final Preset preset;
    private final double[] scale;
    private final double[] offset;

    private Normalization(Preset preset, double[] scale, double[] offset) {
        this.preset = preset;
        this.scale = scale;
        this.offset = offset;
    }

    /**
     * @param mean custom only: per-channel mean on the 0..1 scale, model channel order
     * @param std  custom only: per-channel standard deviation on the 0..1 scale
     */
    public static Normalization of(String presetName, int channels, double[] mean, double[] std, String where) {
        Preset preset;
        try {
            preset = Preset.valueOf(presetName.trim().toLowerCase());
        } catch (IllegalArgumentException e) {
            throw new UserError(where + ": unknown normalisation '" + presetName
                    + "'; use raw (0-255), unit (0-1), symmetric (-1-1), caffe (BGR mean subtraction) or custom (with mean and std)");
        }
        double[] s = new double[channels];
        double[] o = new double[channels];
        switch (preset) {
            case raw -> Arrays.fill(s, 1.0);
            case unit -> Arrays.fill(s, 1.0 / 255.0);
            case symmetric -> {
                Arrays.fill(s, 1.0 / 127.5);
                Arrays.fill(o, -1.0);
            }
            case caffe -> {
                if (channels != 3) throw new UserError(where + ": normalisation caffe needs a 3-channel input");
                Arrays.fill(s, 1.0);
                for (int c = 0; c < 3; c++) o[c] = -CAFFE_MEAN_BGR[c];
            }
            case custom -> {
                if (mean == null || std == null || mean.length != channels || std.length != channels) {
                    throw new UserError(where + ": normalisation custom needs mean and std with " + channels
                            + " comma-separated values each (0..1 scale, model channel order)");
                }
                for (int c = 0; c < channels; c++) {
                    if (std[c] <= 0) throw new UserError(where + ": std values must be > 0, got " + std[c]);
                    s[c] = 1.0 / (255.0 * std[c]);
                    o[c] = -mean[c] / std[c];
                }
            }
        }
        return new Normalization(preset, s, o);
    }

    public Preset preset() { return preset; }
    public double scale(int channel) { return scale[channel]; }
    public double offset(int channel) { return offset[channel]; }
    public int channels() { return scale.length; }

    /** caffe means are BGR means: the model must get BGR. */
    public boolean requiresBgr() { return preset == Preset.caffe; }

    public boolean isIdentity() {
        for (int c = 0; c < scale.length; c++) if (scale[c] != 1.0 || offset[c] != 0.0) return false;
        return true;
    }

    @Override
    public String toString() { return preset.name(); }
}
