package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code camera:<id>}: one exchange per decoded frame. A camera declared by configuration gets its options from
 * {@link #configure} (the keys edgesight.cameras.<id>.*, never through a URI string); options in the URI of a route
 * of your own ({@code camera:door?url=...}) are set on top of them.
 */
@Component("camera")
public class CameraComponent extends DefaultComponent {
    public static final String DEFAULT_STATUS_URI = "seda:camera-status";

    @Metadata(description = "Stop every camera after this many frames (0 = no limit); set by --max-frames.")
    private long maxFrames;
    @Metadata(defaultValue = DEFAULT_STATUS_URI,
            description = "Where status changes (online, offline, reconnecting) are sent, one exchange each; empty = nowhere.")
    private String statusUri = DEFAULT_STATUS_URI;

    private final Map<String, Map<String, String>> configured = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Function<String, CompletionStage<?>> readiness = id -> CompletableFuture.completedFuture(null);
    private volatile Consumer<String> everyCameraFailed = message -> {};

    /** The options of a camera declared by configuration (endpoint option names, values as the endpoint takes them). */
    public void configure(String cameraId, Map<String, String> options) {
        configured.put(cameraId, Map.copyOf(options));
    }

    private final java.util.Set<String> removing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The camera's route is about to be stopped for good: its last status is {@link CameraStatus#removed}. */
    public void removing(String cameraId) { removing.add(cameraId); }

    boolean isRemoving(String cameraId) { return removing.contains(cameraId); }

    public void unconfigure(String cameraId) {
        configured.remove(cameraId);
        removing.remove(cameraId);
    }

    /** What a camera waits for before it opens its source (its model's engine being ready), besides Camel's start. */
    public void setReadiness(Function<String, CompletionStage<?>> readiness) { this.readiness = readiness; }

    CompletionStage<?> readiness(String cameraId) { return readiness.apply(cameraId); }

    /** Called with the first camera's error when every camera that started has failed (nothing can ever arrive). */
    public void setEveryCameraFailed(Consumer<String> callback) { this.everyCameraFailed = callback; }

    void everyCameraFailed(String message) { everyCameraFailed.accept(message); }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new CameraException("camera endpoint '" + SecretMasker.mask(uri) + "' has no camera id: use camera:<id>?url=...");
        }
        CameraEndpoint endpoint = new CameraEndpoint(uri, this, remaining);
        endpoint.setMaxFrames(maxFrames);
        Map<String, String> fromConfig = configured.get(remaining);
        if (fromConfig != null) CameraOptions.bind(endpoint, fromConfig);
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    public long getMaxFrames() { return maxFrames; }
    public void setMaxFrames(long maxFrames) { this.maxFrames = maxFrames; }
    public String getStatusUri() { return statusUri; }
    public void setStatusUri(String statusUri) { this.statusUri = statusUri; }
}
