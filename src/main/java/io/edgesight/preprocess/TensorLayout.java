package io.edgesight.preprocess;

/**
 * Memory layout of one image in the model's input tensor. TensorFlow models take NHWC (channels interleaved per
 * pixel); ONNX models exported from PyTorch take NCHW (one plane per channel).
 */
public enum TensorLayout {
    /** [batch, height, width, channels]: pixel-interleaved, OpenCV's own layout. */
    NHWC,
    /** [batch, channels, height, width]: planar, one height x width plane per channel. */
    NCHW
}
