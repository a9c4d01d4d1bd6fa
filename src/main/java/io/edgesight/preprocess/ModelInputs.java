package io.edgesight.preprocess;

/**
 * What preprocessing needs of a model: the size and resize mode of its input. The engine registry provides it
 * (bound as {@value #BEAN}), so this stage depends on no engine.
 */
public interface ModelInputs {
    String BEAN = "engines";

    /** Throws a one-line error naming the configured models when {@code model} is not one of them. */
    void requireModel(String model);

    /** The input of the model's loaded engine. */
    Target target(String model);

    record Target(int width, int height, ResizeMode resize) {}
}
