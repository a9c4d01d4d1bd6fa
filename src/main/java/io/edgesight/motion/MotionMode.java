package io.edgesight.motion;

/**
 * How a camera's motion decides which frames are inferred: {@code off} every frame; {@code on} only frames with
 * motion (and a keep-alive frame now and then); {@code trigger} motion starts inference, which then runs on every
 * frame until the post-motion duration has passed without motion.
 */
public enum MotionMode { off, on, trigger }
