package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Everything FFmpeg reads, through JavaCV: video files, RTSP/RTMP/HTTP(S) streams and V4L2 devices
 * ({@code format=video4linux2}). Frames are decoded to BGR24.
 */
public class FfmpegFrameSource implements FrameSource {
    static {
        FfmpegLog.install();
    }

    private final String cameraId;
    private final String url;
    private final String format;
    private final Map<String, String> options;
    private final boolean live;
    private final int videoStream;
    private FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();

    public FfmpegFrameSource(String cameraId, String url, String format, Map<String, String> options) {
        this(cameraId, url, format, options, false, -1);
    }

    /**
     * @param live        a stream or device (reconnected, frames dropped when the pipeline is busy)
     * @param videoStream index of the video stream to decode, or -1 for FFmpeg's choice
     */
    public FfmpegFrameSource(String cameraId, String url, String format, Map<String, String> options, boolean live,
                             int videoStream) {
        this.cameraId = cameraId;
        this.url = url;
        this.format = format;
        this.options = new LinkedHashMap<>(options);
        this.live = live;
        this.videoStream = videoStream;
    }

    /** The FFmpeg input format and options this source opens with (for tests and docs). */
    String format() { return format; }
    Map<String, String> options() { return java.util.Collections.unmodifiableMap(options); }
    String url() { return url; }

    private boolean isLocalFile() {
        return !live && (!url.contains("://") || url.startsWith("file://"));
    }

    private boolean isDevice() {
        return "video4linux2".equals(format) || "v4l2".equals(format);
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
        if (isDevice()) {
            Path dev = Path.of(url);
            if (!Files.exists(dev)) {
                throw new CameraException("camera '" + cameraId + "': V4L2 device " + dev
                        + " does not exist; is the camera plugged in? (ls /dev/video*)");
            }
            if (!Files.isReadable(dev)) {
                throw new CameraException("camera '" + cameraId + "': V4L2 device " + dev
                        + " is not readable by this user; add it to the 'video' group");
            }
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(url.startsWith("file://") ? url.substring(7) : url);
        if (format != null && !format.isBlank()) g.setFormat(format);
        options.forEach(g::setOption);
        if (videoStream >= 0) g.setVideoStream(videoStream);
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        try {
            g.start();
        } catch (Exception | UnsatisfiedLinkError e) {
            closeQuietly(g);
            throw new CameraException("camera '" + cameraId + "': cannot open " + describe() + " ("
                    + SecretMasker.mask(openError(e)) + "); " + hint());
        }
        if (g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            closeQuietly(g);
            throw new CameraException("camera '" + cameraId + "': " + describe() + " has no video stream"
                    + (videoStream >= 0 ? " at index " + videoStream + " (videoStream)" : ""));
        }
        grabber = g;
    }

    private String hint() {
        if (isDevice()) return "check inputFormat, width, height and captureFps against v4l2-ctl --list-formats-ext";
        if (live) return "check the address, port, path and credentials, and that the camera is on";
        return "check the camera url and that it is a video FFmpeg can decode";
    }

    @Override
    public Mat grab() throws CameraException {
        if (grabber == null) throw new CameraException("camera '" + cameraId + "': " + describe() + " is not open");
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
    public boolean live() {
        return live;
    }

    @Override
    public String describe() {
        return isDevice() ? "V4L2 device " + url : SecretMasker.mask(url);
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

    private static final java.util.regex.Pattern AV_ERROR = java.util.regex.Pattern.compile("error (-\\d+)");

    /** JavaCV says "avformat_open_input() error -111: Could not open input ..."; FFmpeg's own words are clearer. */
    static String openError(Throwable e) {
        String m = rootMessage(e);
        java.util.regex.Matcher am = AV_ERROR.matcher(m);
        if (am.find()) {
            try {
                int code = Integer.parseInt(am.group(1));
                byte[] buf = new byte[256];
                if (avutil.av_strerror(code, buf, buf.length) == 0) {
                    int n = 0;
                    while (n < buf.length && buf[n] != 0) n++;
                    String text = new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
                    if (!text.isEmpty()) return text;
                }
            } catch (NumberFormatException ignored) {
                // keep JavaCV's message
            }
        }
        return m;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = String.valueOf(t.getMessage()).trim();
        // JavaCV appends advice that does not apply to our users
        int advice = m.indexOf(" (Has setFormat() been called?)");
        if (advice > 0) m = m.substring(0, advice);
        return m;
    }
}
