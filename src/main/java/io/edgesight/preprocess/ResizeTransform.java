package io.edgesight.preprocess;

/**
 * Where a model-input pixel came from in the source frame, so boxes can be mapped back:
 * {@code sourceX = (modelX - padX) / scaleX + cropX}.
 */
public record ResizeTransform(int sourceWidth, int sourceHeight, double scaleX, double scaleY,
                              double padX, double padY, double cropX, double cropY) {

    public double toSourceX(double modelX) { return (modelX - padX) / scaleX + cropX; }
    public double toSourceY(double modelY) { return (modelY - padY) / scaleY + cropY; }
}
