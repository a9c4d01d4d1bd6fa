package io.edgesight.preprocess;

/** Headers set by the preprocess step. */
public final class PreprocessConstants {
    /** Model id the frame was prepared for; the batcher and infer step use it. */
    public static final String MODEL = "EdgesightModel";

    private PreprocessConstants() {}
}
