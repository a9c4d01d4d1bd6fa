package io.edgesight.camera;

/** How fast a file source is read: as fast as the pipeline takes frames, or at the video's frame rate. */
public enum Pacing { fast, realtime }
