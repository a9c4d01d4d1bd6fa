package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import io.edgesight.motion.MotionMask;
import io.edgesight.motion.MotionMode;
import io.edgesight.motion.MotionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * A camera. The URI is the user's whole interface, e.g. {@code camera:front?url=rtsp://cam/stream&fps=10};
 * the url's scheme picks the kind of source (docs/CAMERAS.md):
 * <ul>
 *   <li>a file path or {@code file://}: a video file (FFmpeg)</li>
 *   <li>{@code rtsp://}, {@code rtsps://}, {@code rtmp://}, {@code rtmps://}, {@code srt://}, {@code udp://}: a stream (FFmpeg)</li>
 *   <li>{@code http://}, {@code https://}: MJPEG (multipart/x-mixed-replace, also forced with format=mjpeg) or any
 *       stream FFmpeg reads</li>
 *   <li>{@code v4l2:///dev/videoN}: a USB/V4L2 device (FFmpeg's video4linux2 input)</li>
 *   <li>{@code csi://N}: Jetson CSI camera, sensor N (GStreamer nvarguscamerasrc)</li>
 *   <li>{@code gst:<pipeline>}: any GStreamer pipeline producing raw video</li>
 *   <li>{@code folder:<directory>}: images in name order</li>
 * </ul>
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "camera", title = "Camera", syntax = "camera:cameraId",
        consumerOnly = true, category = {Category.IOT}, headersClass = CameraConstants.class)
public class CameraEndpoint extends DefaultEndpoint {
    static final String KINDS = "a file path, file://, rtsp://, rtsps://, rtmp://, rtmps://, srt://, udp://, http://, https://, "
            + "v4l2:///dev/videoN, csi://N, gst:<pipeline> or folder:<directory>";
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");

    @UriPath(description = "Camera id: used in headers, topics and file names")
    @Metadata(required = true)
    private final String cameraId;
    @UriParam(description = "Where frames come from: " + KINDS)
    @Metadata(required = true)
    private String url;
    @UriParam(description = "FFmpeg input format when it cannot be guessed from the URL; mjpeg for an HTTP MJPEG stream")
    private String format;
    @UriParam(defaultValue = "false", description = "Start a file or folder again from the beginning at its end (demos)")
    private boolean loop;
    @UriParam(defaultValue = "fast", enums = "fast,realtime", description = "Files and folders: fast (as fast as the pipeline takes frames) or realtime (at the video's frame rate, or fps for a folder)")
    private Pacing pacing = Pacing.fast;
    @UriParam(defaultValue = "0", description = "Stop after this many frames (0 = no limit)")
    private long maxFrames;
    @UriParam(defaultValue = "tcp", enums = "tcp,udp", description = "RTSP transport: tcp or udp")
    private String rtspTransport = "tcp";
    @UriParam(defaultValue = "-1", description = "Index of the video stream to decode when a source has several (FFmpeg); -1 = the best")
    private int videoStream = -1;
    @UriParam(defaultValue = "10000", description = "Milliseconds to open a source (connect, handshake, first frame)")
    private int openTimeoutMs = 10_000;
    @UriParam(defaultValue = "5000", description = "Milliseconds without data after which a live source counts as lost")
    private int readTimeoutMs = 5_000;
    @UriParam(defaultValue = "0", description = "Target frames per second handed to the pipeline (0 = every frame); for a folder with pacing=realtime, its rate")
    private double fps;
    @UriParam(defaultValue = "1", description = "Hand only every Nth frame to the pipeline")
    private int everyNth = 1;
    @UriParam(defaultValue = "2", description = "Frames that may wait for the pipeline (the hand-off)")
    private int queueSize = 2;
    @UriParam(enums = "dropOldest,block", description = "dropOldest (default for live sources) or block (default for files and folders)")
    private DropPolicy dropPolicy;
    @UriParam(defaultValue = "500", description = "First reconnect delay in milliseconds (doubles after every failed attempt)")
    private long reconnectDelayMs = 500;
    // a camera that comes back is seen within about a second (the jitter spreads it by +-20 %)
    @UriParam(defaultValue = "1000", description = "Longest reconnect delay in milliseconds")
    private long reconnectMaxDelayMs = 1_000;
    @UriParam(defaultValue = "0", description = "Reconnect attempts before the camera gives up (0 = unlimited)")
    private int reconnectMaxAttempts;
    @UriParam(defaultValue = "0.2", description = "Random spread of each reconnect delay, 0..1 (0.2 = +-20%)")
    private double reconnectJitter = 0.2;
    @UriParam(description = "Capture width: V4L2 video_size, CSI sensor mode, GStreamer output (default: device default; CSI 1920; gst 640)")
    private Integer width;
    @UriParam(description = "Capture height (see width; CSI default 1080, gst 480)")
    private Integer height;
    @UriParam(description = "Capture frame rate asked of the device: V4L2 framerate, CSI framerate (default 30)")
    private Double captureFps;
    @UriParam(description = "V4L2 input format: mjpeg or yuyv (yuyv422), or any FFmpeg pixel format name")
    private String inputFormat;
    @UriParam(defaultValue = "0", description = "CSI: nvvidconv flip-method 0..7 (0 none, 1 ccw 90, 2 180, 3 cw 90, 4 horizontal, 5 upper-right diagonal, 6 vertical, 7 upper-left diagonal)")
    private int flipMethod;
    @UriParam(defaultValue = "false", description = "CSI: run the same pipeline with videotestsrc and videoflip instead of nvarguscamerasrc and nvvidconv (no Jetson needed)")
    private boolean csiEmulation;
    @UriParam(defaultValue = "default", description = "Cameras of one fair group take turns entering their routes, so a fast"
            + " camera cannot starve a slow one when they share a batcher; give cameras that feed different models different groups; none = no turns")
    private String fairGroup = "default";
    @UriParam(defaultValue = "gst-launch-1.0", description = "The gst-launch-1.0 program for csi:// and gst: cameras")
    private String gstLaunch = "gst-launch-1.0";
    @UriParam(defaultValue = "off", enums = "off,on,trigger", description = "Motion gating: off (every frame is inferred), on (only"
            + " frames with motion, plus one every motionKeepAliveMs while still) or trigger (motion starts inference, which runs"
            + " until motionDurationMs after the last motion); frames left out are counted as skipped_no_motion")
    private MotionMode motion = MotionMode.off;
    @UriParam(defaultValue = "160", description = "Width in pixels of the grey copy motion is looked for in (16..1920; the height keeps the frame's aspect)")
    private int motionWidth = MotionSettings.OFF.width();
    @UriParam(defaultValue = "25", description = "Grey-level change (1..255) of a pixel against the background that counts as changed")
    private int motionThreshold = MotionSettings.OFF.threshold();
    @UriParam(defaultValue = "20", description = "Smallest changed region that is motion, in pixels of the grey copy (motionWidth wide)")
    private int motionMinArea = MotionSettings.OFF.minArea();
    @UriParam(defaultValue = "0.5", description = "Share of the frame (0..1) changing at once above which the change is lighting, not motion (1 = never)")
    private double motionGlobalChange = MotionSettings.OFF.globalChange();
    @UriParam(defaultValue = "10000", description = "While still, one frame is inferred every this many milliseconds (0 = never)")
    private long motionKeepAliveMs = MotionSettings.OFF.keepAliveMs();
    @UriParam(defaultValue = "10000", description = "motion=trigger: inference runs until this many milliseconds after the last motion")
    private long motionDurationMs = MotionSettings.OFF.durationMs();
    @UriParam(defaultValue = "0.05", description = "How fast the motion background follows the scene, per frame (more than 0, at most 1)")
    private double motionAlpha = MotionSettings.OFF.alpha();
    @UriParam(description = "Polygons where motion is ignored: x1,y1,x2,y2,x3,y3[,...] in frame pixels or as fractions (0..1) of"
            + " the frame, several separated by ;")
    private String motionMask;
    /** The running camera's motion gate (its consumer sets it while it runs). */
    private volatile CameraMotion cameraMotion;

    public CameraEndpoint(String uri, CameraComponent component, String cameraId) {
        // the URI Camel keeps (and logs) is masked: credentials in url= never reach a log line
        super(SecretMasker.mask(uri), component);
        this.cameraId = cameraId;
    }

    void validate() {
        if (url == null || url.isBlank()) {
            throw new CameraException("camera '" + cameraId + "' has no url: set url=<" + KINDS + ">");
        }
        check(maxFrames >= 0, "maxFrames must be 0 (no limit) or more, got " + maxFrames);
        check(rtspTransport.equals("tcp") || rtspTransport.equals("udp"), "rtspTransport must be tcp or udp, got '" + rtspTransport + "'");
        check(openTimeoutMs > 0, "openTimeoutMs must be more than 0, got " + openTimeoutMs);
        check(readTimeoutMs > 0, "readTimeoutMs must be more than 0, got " + readTimeoutMs);
        check(fps >= 0, "fps must be 0 (every frame) or more, got " + fps);
        check(everyNth >= 1, "everyNth must be 1 or more, got " + everyNth);
        check(queueSize >= 1 && queueSize <= 1000, "queueSize must be between 1 and 1000, got " + queueSize);
        check(reconnectDelayMs >= 1, "reconnectDelayMs must be 1 or more, got " + reconnectDelayMs);
        check(reconnectMaxDelayMs >= reconnectDelayMs, "reconnectMaxDelayMs must be at least reconnectDelayMs, got " + reconnectMaxDelayMs);
        check(reconnectMaxAttempts >= 0, "reconnectMaxAttempts must be 0 (unlimited) or more, got " + reconnectMaxAttempts);
        check(reconnectJitter >= 0 && reconnectJitter <= 1, "reconnectJitter must be between 0 and 1, got " + reconnectJitter);
        check(width == null || width > 0, "width must be more than 0, got " + width);
        check(height == null || height > 0, "height must be more than 0, got " + height);
        check(captureFps == null || captureFps > 0, "captureFps must be more than 0, got " + captureFps);
        check(flipMethod >= 0 && flipMethod <= 7, "flipMethod must be between 0 and 7, got " + flipMethod);
        motionSettings();
    }

    /** The motion gate's settings; a CameraException naming the option when one is wrong. */
    MotionSettings motionSettings() {
        MotionMask mask;
        try {
            mask = MotionMask.parse(motionMask);
        } catch (IllegalArgumentException e) {
            throw new CameraException("camera '" + cameraId + "': motionMask " + e.getMessage());
        }
        MotionSettings s = new MotionSettings(motion, motionWidth, motionThreshold, motionMinArea, motionGlobalChange,
                motionKeepAliveMs, motionDurationMs, motionAlpha, mask);
        String problem = s.problem();
        if (problem != null) throw new CameraException("camera '" + cameraId + "': " + problem);
        return s;
    }

    CameraMotion cameraMotion() { return cameraMotion; }

    void cameraMotion(CameraMotion m) { cameraMotion = m; }

    private void check(boolean ok, String message) {
        if (!ok) throw new CameraException("camera '" + cameraId + "': " + message);
    }

    /** The kind of source the url names: file, rtsp, stream, http, mjpeg, v4l2, csi, gst or folder. */
    String kind() {
        String u = url.strip();
        Matcher m = SCHEME.matcher(u);
        if (!m.find() || Files.exists(Path.of(u))) return "file";
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> "file";
            case "rtsp", "rtsps" -> "rtsp";
            case "rtmp", "rtmps", "srt", "udp" -> "stream";
            case "http", "https" -> format == null || format.isBlank() ? "http" : "mjpeg".equalsIgnoreCase(format.strip()) ? "mjpeg" : "stream";
            case "v4l2" -> "v4l2";
            case "csi" -> "csi";
            case "gst" -> "gst";
            case "folder" -> "folder";
            default -> "unknown:" + scheme;
        };
    }

    /** One source interface; the URL's scheme picks the kind. Unknown schemes are a permanent error naming the camera. */
    FrameSource createSource() {
        String kind = kind();
        String u = url.strip();
        return switch (kind) {
            case "file" -> new FfmpegFrameSource(cameraId, u, format, Map.of());
            case "rtsp" -> ffmpeg(u, Map.of("rtsp_transport", rtspTransport, "timeout", micros(readTimeoutMs)));
            case "stream" -> ffmpeg(u, Map.of("rw_timeout", micros(readTimeoutMs), "timeout", micros(readTimeoutMs)));
            case "http" -> new HttpFrameSource(cameraId, u, openTimeoutMs, readTimeoutMs,
                    () -> ffmpeg(u, Map.of("rw_timeout", micros(readTimeoutMs), "timeout", micros(readTimeoutMs), "reconnect", "0")));
            case "mjpeg" -> new MjpegFrameSource(cameraId, u, openTimeoutMs, readTimeoutMs);
            case "v4l2" -> v4l2(u);
            case "csi" -> csi(u);
            case "gst" -> gst(u.substring(4));
            case "folder" -> new ImageFolderFrameSource(cameraId, Path.of(stripSlashes(u.substring(7))), fps);
            default -> throw CameraException.permanent("camera '" + cameraId + "': unknown source '" + kind.substring(8)
                    + ":' in url " + SecretMasker.mask(u) + "; use " + KINDS);
        };
    }

    private FfmpegFrameSource ffmpeg(String u, Map<String, String> options) {
        return new FfmpegFrameSource(cameraId, u, format, options, true, videoStream);
    }

    private static String micros(long millis) {
        return Long.toString(millis * 1000);
    }

    /** {@code folder:///abs}, {@code folder:/abs}, {@code folder:rel}; {@code v4l2:///dev/video0}, {@code v4l2:/dev/video0}. */
    private static String stripSlashes(String rest) {
        return rest.startsWith("///") ? rest.substring(2) : rest.startsWith("//") ? rest.substring(2) : rest;
    }

    private FrameSource v4l2(String u) {
        String device = stripSlashes(u.substring(5));
        if (!device.startsWith("/")) {
            throw CameraException.permanent("camera '" + cameraId + "': v4l2 url needs a device path, e.g. v4l2:///dev/video0, got "
                    + SecretMasker.mask(u));
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (inputFormat != null && !inputFormat.isBlank()) {
            String f = inputFormat.strip().toLowerCase(Locale.ROOT);
            options.put("input_format", f.equals("yuyv") ? "yuyv422" : f);
        }
        if (width != null || height != null) {
            check(width != null && height != null, "set both width and height for a V4L2 device");
            options.put("video_size", width + "x" + height);
        }
        if (captureFps != null) options.put("framerate", GstPipelines.fraction(captureFps));
        return new FfmpegFrameSource(cameraId, device, "video4linux2", options, true, videoStream);
    }

    private FrameSource csi(String u) {
        String rest = stripSlashes(u.substring(4));
        if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
        int sensorId;
        try {
            sensorId = Integer.parseInt(rest);
        } catch (NumberFormatException e) {
            throw CameraException.permanent("camera '" + cameraId + "': csi url needs the sensor id, e.g. csi://0, got " + SecretMasker.mask(u));
        }
        int w = width != null ? width : 1920;
        int h = height != null ? height : 1080;
        double rate = captureFps != null ? captureFps : 30;
        int outW = GstPipelines.rotates(flipMethod) ? h : w;
        int outH = GstPipelines.rotates(flipMethod) ? w : h;
        String pipeline = GstPipelines.withSink(GstPipelines.csi(sensorId, w, h, rate, flipMethod, csiEmulation), outW, outH);
        return new GstreamerFrameSource(cameraId, gstLaunch, pipeline, outW, outH, rate, openTimeoutMs, readTimeoutMs);
    }

    private FrameSource gst(String pipeline) {
        if (pipeline.isBlank()) {
            throw CameraException.permanent("camera '" + cameraId + "': gst: url needs a pipeline, e.g. gst:videotestsrc is-live=true");
        }
        int w = width != null ? width : 640;
        int h = height != null ? height : 480;
        double rate = captureFps != null ? captureFps : 0;
        return new GstreamerFrameSource(cameraId, gstLaunch, GstPipelines.withSink(pipeline, w, h), w, h, rate,
                openTimeoutMs, readTimeoutMs);
    }

    /** Default drop policy: drop the oldest for live sources, block (lose nothing) for files and folders. */
    DropPolicy effectiveDropPolicy(boolean live) {
        return dropPolicy != null ? dropPolicy : live ? DropPolicy.dropOldest : DropPolicy.block;
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        CameraConsumer consumer = new CameraConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("camera: is a source; use it in 'from'");
    }

    @Override
    protected String createEndpointUri() {
        return SecretMasker.mask(super.createEndpointUri());
    }

    @Override
    public CameraComponent getComponent() {
        return (CameraComponent) super.getComponent();
    }

    public String getCameraId() { return cameraId; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getFormat() { return format; }
    public void setFormat(String format) { this.format = format; }
    public boolean isLoop() { return loop; }
    public void setLoop(boolean loop) { this.loop = loop; }
    public Pacing getPacing() { return pacing; }
    public void setPacing(Pacing pacing) { this.pacing = pacing; }
    public long getMaxFrames() { return maxFrames; }
    public void setMaxFrames(long maxFrames) { this.maxFrames = maxFrames; }
    public String getRtspTransport() { return rtspTransport; }
    public void setRtspTransport(String rtspTransport) { this.rtspTransport = rtspTransport; }
    public int getVideoStream() { return videoStream; }
    public void setVideoStream(int videoStream) { this.videoStream = videoStream; }
    public int getOpenTimeoutMs() { return openTimeoutMs; }
    public void setOpenTimeoutMs(int openTimeoutMs) { this.openTimeoutMs = openTimeoutMs; }
    public int getReadTimeoutMs() { return readTimeoutMs; }
    public void setReadTimeoutMs(int readTimeoutMs) { this.readTimeoutMs = readTimeoutMs; }
    public double getFps() { return fps; }
    public void setFps(double fps) { this.fps = fps; }
    public int getEveryNth() { return everyNth; }
    public void setEveryNth(int everyNth) { this.everyNth = everyNth; }
    public int getQueueSize() { return queueSize; }
    public void setQueueSize(int queueSize) { this.queueSize = queueSize; }
    public DropPolicy getDropPolicy() { return dropPolicy; }
    public void setDropPolicy(DropPolicy dropPolicy) { this.dropPolicy = dropPolicy; }
    public long getReconnectDelayMs() { return reconnectDelayMs; }
    public void setReconnectDelayMs(long reconnectDelayMs) { this.reconnectDelayMs = reconnectDelayMs; }
    public long getReconnectMaxDelayMs() { return reconnectMaxDelayMs; }
    public void setReconnectMaxDelayMs(long reconnectMaxDelayMs) { this.reconnectMaxDelayMs = reconnectMaxDelayMs; }
    public int getReconnectMaxAttempts() { return reconnectMaxAttempts; }
    public void setReconnectMaxAttempts(int reconnectMaxAttempts) { this.reconnectMaxAttempts = reconnectMaxAttempts; }
    public double getReconnectJitter() { return reconnectJitter; }
    public void setReconnectJitter(double reconnectJitter) { this.reconnectJitter = reconnectJitter; }
    public Integer getWidth() { return width; }
    public void setWidth(Integer width) { this.width = width; }
    public Integer getHeight() { return height; }
    public void setHeight(Integer height) { this.height = height; }
    public Double getCaptureFps() { return captureFps; }
    public void setCaptureFps(Double captureFps) { this.captureFps = captureFps; }
    public String getInputFormat() { return inputFormat; }
    public void setInputFormat(String inputFormat) { this.inputFormat = inputFormat; }
    public int getFlipMethod() { return flipMethod; }
    public void setFlipMethod(int flipMethod) { this.flipMethod = flipMethod; }
    public boolean isCsiEmulation() { return csiEmulation; }
    public void setCsiEmulation(boolean csiEmulation) { this.csiEmulation = csiEmulation; }
    public String getFairGroup() { return fairGroup; }
    public void setFairGroup(String fairGroup) { this.fairGroup = fairGroup; }
    public String getGstLaunch() { return gstLaunch; }
    public void setGstLaunch(String gstLaunch) { this.gstLaunch = gstLaunch; }
    public MotionMode getMotion() { return motion; }
    public void setMotion(MotionMode motion) { this.motion = motion; }
    public int getMotionWidth() { return motionWidth; }
    public void setMotionWidth(int motionWidth) { this.motionWidth = motionWidth; }
    public int getMotionThreshold() { return motionThreshold; }
    public void setMotionThreshold(int motionThreshold) { this.motionThreshold = motionThreshold; }
    public int getMotionMinArea() { return motionMinArea; }
    public void setMotionMinArea(int motionMinArea) { this.motionMinArea = motionMinArea; }
    public double getMotionGlobalChange() { return motionGlobalChange; }
    public void setMotionGlobalChange(double motionGlobalChange) { this.motionGlobalChange = motionGlobalChange; }
    public long getMotionKeepAliveMs() { return motionKeepAliveMs; }
    public void setMotionKeepAliveMs(long motionKeepAliveMs) { this.motionKeepAliveMs = motionKeepAliveMs; }
    public long getMotionDurationMs() { return motionDurationMs; }
    public void setMotionDurationMs(long motionDurationMs) { this.motionDurationMs = motionDurationMs; }
    public double getMotionAlpha() { return motionAlpha; }
    public void setMotionAlpha(double motionAlpha) { this.motionAlpha = motionAlpha; }
    public String getMotionMask() { return motionMask; }
    public void setMotionMask(String motionMask) { this.motionMask = motionMask; }
}
