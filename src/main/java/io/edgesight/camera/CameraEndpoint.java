package io.edgesight.camera;

import java.util.LinkedHashMap;
import java.util.Map;

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
 * A camera. The URI is the user's whole interface:
 * {@code camera:front?url=samples/generated/shapes.mp4&loop=true&pacing=realtime}.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "camera", title = "Camera", syntax = "camera:cameraId",
        consumerOnly = true, category = {Category.IOT}, headersClass = CameraConstants.class)
public class CameraEndpoint extends DefaultEndpoint {

    @UriPath(description = "Camera id: used in headers, topics and file names")
    @Metadata(required = true)
    private final String cameraId;
    @UriParam(description = "Video file path or stream URL (rtsp://, rtmp://, http://, file://)")
    @Metadata(required = true)
    private String url;
    @UriParam(description = "FFmpeg input format, when it cannot be guessed from the URL")
    private String format;
    @UriParam(defaultValue = "false", description = "Start a file again from the beginning at its end (demos)")
    private boolean loop;
    @UriParam(defaultValue = "fast", description = "fast: as fast as the pipeline takes frames; realtime: at the video's frame rate")
    private Pacing pacing = Pacing.fast;
    @UriParam(defaultValue = "0", description = "Stop after this many frames (0 = no limit)")
    private long maxFrames;
    @UriParam(defaultValue = "tcp", description = "RTSP transport: tcp or udp")
    private String rtspTransport = "tcp";

    public CameraEndpoint(String uri, CameraComponent component, String cameraId) {
        super(uri, component);
        this.cameraId = cameraId;
    }

    void validate() {
        if (url == null || url.isBlank()) {
            throw new CameraException("camera '" + cameraId + "' has no url: set url=<video file or stream URL>");
        }
        if (maxFrames < 0) {
            throw new CameraException("camera '" + cameraId + "': maxFrames must be 0 (no limit) or more, got " + maxFrames);
        }
        if (!rtspTransport.equals("tcp") && !rtspTransport.equals("udp")) {
            throw new CameraException("camera '" + cameraId + "': rtspTransport must be tcp or udp, got '" + rtspTransport + "'");
        }
    }

    /** One source interface; the URL's scheme picks the kind. */
    FrameSource createSource() {
        Map<String, String> options = new LinkedHashMap<>();
        if (url.startsWith("rtsp://") || url.startsWith("rtsps://")) {
            options.put("rtsp_transport", rtspTransport);
        }
        return new FfmpegFrameSource(cameraId, url, format, options);
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
}
