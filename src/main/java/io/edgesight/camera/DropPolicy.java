package io.edgesight.camera;

/** What a camera does when the pipeline has not taken the previous frames yet. */
public enum DropPolicy {
    /** Live sources (default): the oldest waiting frame is dropped (and its memory freed), the reader never waits. */
    dropOldest,
    /** Files and folders (default): the reader waits; no frame is lost. */
    block
}
