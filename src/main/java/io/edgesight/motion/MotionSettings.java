package io.edgesight.motion;

/**
 * One camera's motion gate, as its configuration sets it ({@code edgesight.cameras.<id>.motion*}, docs/CAMERAS.md).
 *
 * @param mode          off | on | trigger
 * @param width         width of the grey copy the detector works on (pixels; the height keeps the frame's aspect)
 * @param threshold     grey-level change (1..255) of a pixel against the background that counts as changed
 * @param minArea       smallest changed region that is motion, in pixels of the grey copy (area; the copy is
 *                      {@code width} wide whatever the camera's resolution, so one value suits every camera)
 * @param globalChange  share of the frame (0..1) changed at once above which the change is lighting, not motion
 *                      (lights switched, the sun, a camera's day/night switch); 1 = never
 * @param keepAliveMs   while still, one frame is inferred every this many milliseconds (0 = never)
 * @param durationMs    trigger mode: inference runs until this long after the last motion
 * @param alpha         how fast the background follows the scene (0..1 per frame)
 * @param mask          polygons where motion is ignored
 */
public record MotionSettings(MotionMode mode, int width, int threshold, int minArea, double globalChange,
                             long keepAliveMs, long durationMs, double alpha, MotionMask mask) {

    public static final MotionSettings OFF = new MotionSettings(MotionMode.off, 160, 25, 20, 0.5, 10_000, 10_000, 0.05, MotionMask.NONE);

    /** The first problem as "option must ..." (option = the endpoint option's name), or null when all is well. */
    public String problem() {
        if (width < 16 || width > 1920) return "motionWidth must be between 16 and 1920, got " + width;
        if (threshold < 1 || threshold > 255) return "motionThreshold must be between 1 and 255 (grey levels), got " + threshold;
        if (minArea < 1) return "motionMinArea must be 1 or more (pixels of the grey copy), got " + minArea;
        if (!(globalChange > 0 && globalChange <= 1)) return "motionGlobalChange must be more than 0 and at most 1, got " + globalChange;
        if (keepAliveMs < 0) return "motionKeepAliveMs must be 0 (never) or more, got " + keepAliveMs;
        if (durationMs < 0) return "motionDurationMs must be 0 or more, got " + durationMs;
        if (!(alpha > 0 && alpha <= 1)) return "motionAlpha must be more than 0 and at most 1, got " + alpha;
        return null;
    }
}
