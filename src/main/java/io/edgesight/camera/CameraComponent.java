package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** {@code camera:<id>?url=...}: one exchange per decoded frame. */
@Component("camera")
public class CameraComponent extends DefaultComponent {
    public static final String DEFAULT_STATUS_URI = "seda:camera-status";

    @Metadata(description = "Stop every camera after this many frames (0 = no limit); set by --max-frames.")
    private long maxFrames;
    @Metadata(defaultValue = DEFAULT_STATUS_URI,
            description = "Where status changes (online, offline, reconnecting) are sent, one exchange each; empty = nowhere.")
    private String statusUri = DEFAULT_STATUS_URI;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new CameraException("camera endpoint '" + SecretMasker.mask(uri) + "' has no camera id: use camera:<id>?url=...");
        }
        CameraEndpoint endpoint = new CameraEndpoint(uri, this, remaining);
        endpoint.setMaxFrames(maxFrames);
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    public long getMaxFrames() { return maxFrames; }
    public void setMaxFrames(long maxFrames) { this.maxFrames = maxFrames; }
    public String getStatusUri() { return statusUri; }
    public void setStatusUri(String statusUri) { this.statusUri = statusUri; }
}
