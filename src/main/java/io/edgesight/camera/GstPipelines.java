package io.edgesight.camera;

import java.util.Locale;

/**
 * GStreamer pipeline strings. A Jetson CSI camera is
 * {@code nvarguscamerasrc sensor-id=N ! video/x-raw(memory:NVMM),width=W,height=H,framerate=F/1,format=NV12
 * ! nvvidconv flip-method=M ! video/x-raw,format=BGRx ! videoconvert ! video/x-raw,format=BGR ! fdsink}.
 * Emulation swaps the two Jetson elements for {@code videotestsrc} and {@code videoflip}, so the same code path
 * (and the same options) run on any machine with GStreamer.
 */
public final class GstPipelines {
    private GstPipelines() {}

    /** nvvidconv flip-method -> videoflip video-direction (the two number their rotations differently). */
    private static final int[] VIDEO_DIRECTION = {0, 3, 2, 1, 4, 7, 5, 6};

    /** True when flip method turns the picture by 90 degrees (output is height x width). */
    public static boolean rotates(int flipMethod) {
        return flipMethod == 1 || flipMethod == 3 || flipMethod == 5 || flipMethod == 7;
    }

    /**
     * The CSI pipeline up to (not including) the common BGR tail.
     *
     * @param emulate videotestsrc + videoflip instead of nvarguscamerasrc + nvvidconv
     */
    public static String csi(int sensorId, int width, int height, double fps, int flipMethod, boolean emulate) {
        String rate = fraction(fps);
        if (emulate) {
            return "videotestsrc is-live=true pattern=smpte"
                    + " ! video/x-raw,width=" + width + ",height=" + height + ",framerate=" + rate + ",format=NV12"
                    + " ! videoconvert ! videoflip video-direction=" + VIDEO_DIRECTION[flipMethod];
        }
        return "nvarguscamerasrc sensor-id=" + sensorId
                + " ! video/x-raw(memory:NVMM),width=" + width + ",height=" + height + ",framerate=" + rate + ",format=NV12"
                + " ! nvvidconv flip-method=" + flipMethod + " ! video/x-raw,format=BGRx";
    }

    /**
     * Appends the tail every pipeline shares: convert (and scale) to packed BGR of exactly width x height and write
     * the raw frames to stdout.
     */
    public static String withSink(String pipeline, int width, int height) {
        return pipeline.strip() + " ! videoconvert ! videoscale ! video/x-raw,format=BGR,width=" + width + ",height=" + height
                + " ! fdsink fd=1 sync=false";
    }

    /** 30 -> "30/1", 29.97 -> "2997/100". */
    static String fraction(double fps) {
        if (fps == Math.rint(fps)) return (long) fps + "/1";
        return String.format(Locale.ROOT, "%d/100", Math.round(fps * 100));
    }
}
