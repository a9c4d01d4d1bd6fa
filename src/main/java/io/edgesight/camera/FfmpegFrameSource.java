package io.edgesight.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** Video files and network streams (RTSP, RTMP, HTTP) decoded by FFmpeg through JavaCV. */
public class FfmpegFrameSource implements FrameSource {
    static {
        // FFmpeg prints to stderr by default; keep it quiet unless something is really wrong.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final String cameraId;
    private final String url;
    private final String format;
    private final Map<String, String> options;
    private FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();

    public FfmpegFrameSource(String cameraId, String url, String format, Map<String, String> options) {
        this.cameraId = cameraId;
        this.url = url;
        this.format = format;
        this.options = options;
    }

    private boolean isLocalFile() {
        return !url.contains("://") || url.startsWith("file://");
    }

    @Override
    public void open() throws CameraException {
        if (isLocalFile()) {
            Path p = Path.of(url.startsWith("file://") ? url.substring(7) : url);
            if (!Files.isRegularFile(p)) {
                throw new CameraException("camera '" + cameraId + "': video file " + p.toAbsolutePath()
                        + " does not exist; check the camera url");
            }
            if (!Files.isReadable(p)) {
                throw new CameraException("camera '" + cameraId + "': video file " + p + " is not readable");
            }
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(url.startsWith("file://") ? url.substring(7) : url);
        if (format != null && !format.isBlank()) g.setFormat(format);
        options.forEach(g::setOption);
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        try {
            g.start();
        } catch (Exception e) {
            closeQuietly(g);
            throw new CameraException("camera '" + cameraId + "': cannot open " + describe() + " ("
                    + SecretMasker.mask(rootMessage(e)) + "); check the camera url and that it is a video FFmpeg can decode");
        }
        if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            closeQuietly(g);
            throw new CameraException("camera '" + cameraId + "': " + describe() + " has no video stream");
        }
        grabber = g;
    }

    @Override
    public Mat grab() throws CameraException {
        try {
            org.bytedeco.javacv.Frame f = grabber.grabImage();
            if (f == null) return null;
            Mat view = converter.convert(f);
            // the grabber reuses its buffer for the next frame: the frame travels on with its own copy
            return view.clone();
        } catch (Exception e) {
            throw new CameraException("camera '" + cameraId + "': read error on " + describe() + ": "
                    + SecretMasker.mask(rootMessage(e)), e);
        }
    }

    @Override
    public double frameRate() {
        return grabber == null ? 0 : grabber.getFrameRate();
    }

    @Override
    public boolean rewind() throws CameraException {
        if (!isLocalFile()) return false;
        close();
        open();
        return true;
    }

    @Override
    public String describe() {
        return SecretMasker.mask(url);
    }

    @Override
    public void close() {
        if (grabber != null) {
            closeQuietly(grabber);
            grabber = null;
        }
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (Exception ignored) {
            // closing a broken stream has nothing useful to report
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return String.valueOf(t.getMessage()).trim();
    }

    /** Makes FFmpeg's own log go through our logger at error level only (called once). */
    static void quietNativeLogs() {
        FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    }
}
