package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The live state and counters of one camera: read by status messages, the health check, metrics and tests. */
public final class CameraState {
    private final String cameraId;
    private volatile String kind;
    private volatile String source;
    private volatile CameraStatus status = CameraStatus.offline;
    private volatile String reason = "starting";
    private volatile String error;
    private volatile boolean failed;
    private volatile boolean finished;
    private volatile Instant since = Instant.now();
    private volatile int attempt;
    private volatile long nextAttemptMs;
    final LongAdder grabbed = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder emitted = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder skippedNoMotion = new LongAdder();
    final AtomicLong queueHighWater = new AtomicLong();
    private volatile java.util.function.IntSupplier queueSize = () -> 0;

    CameraState(String cameraId) {
        this.cameraId = cameraId;
    }

    synchronized void set(CameraStatus s, String reason, String error) {
        if (s != status) since = Instant.now();
        status = s;
        this.reason = reason;
        this.error = error == null ? null : SecretMasker.mask(error);
    }

    void source(String kind, String description) {
        this.kind = kind;
        this.source = SecretMasker.mask(description);
    }

    void attempt(int attempt, long nextAttemptMs) {
        this.attempt = attempt;
        this.nextAttemptMs = nextAttemptMs;
    }

    void failed(boolean f) { failed = f; }
    void finished(boolean f) { finished = f; }
    void queueSize(java.util.function.IntSupplier s) { queueSize = s; }

    public String cameraId() { return cameraId; }
    public String kind() { return kind; }
    public String source() { return source; }
    public CameraStatus status() { return status; }
    public String reason() { return reason; }
    public String error() { return error; }
    /** Stopped for good: a permanent problem, or the reconnect attempts ran out. */
    public boolean failed() { return failed; }
    /** A finite source (file, folder) that reached its end. */
    public boolean finished() { return finished; }
    public Instant since() { return since; }
    public int attempt() { return attempt; }
    public long grabbed() { return grabbed.sum(); }
    public long skipped() { return skipped.sum(); }
    /** Frames dropped because the pipeline was busy (live sources). */
    public long dropped() { return dropped.sum(); }
    public long emitted() { return emitted.sum(); }
    public long reconnects() { return reconnects.sum(); }
    /** Frames the motion gate left out (emitted to the route, not inferred). */
    public long skippedNoMotion() { return skippedNoMotion.sum(); }
    public int queueSize() { return queueSize.getAsInt(); }
    public long queueHighWater() { return queueHighWater.get(); }

    /** True while the camera does what it should: online, or a finite source that finished normally. */
    public boolean healthy() {
        return status == CameraStatus.online || (finished && !failed);
    }

    /** The status message (credentials masked). */
    public Map<String, Object> payload() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera", cameraId);
        m.put("status", status.name());
        m.put("reason", reason);
        if (error != null) m.put("error", error);
        m.put("since", since.toString());
        m.put("time", Instant.now().toString());
        m.put("kind", kind);
        m.put("source", source);
        if (status == CameraStatus.reconnecting) {
            m.put("attempt", attempt);
            m.put("nextAttemptMs", nextAttemptMs);
        }
        Map<String, Object> frames = new LinkedHashMap<>();
        frames.put("grabbed", grabbed());
        frames.put("emitted", emitted());
        frames.put("skipped", skipped());
        frames.put("dropped", dropped());
        frames.put("skippedNoMotion", skippedNoMotion());
        m.put("frames", frames);
        m.put("reconnects", reconnects());
        return m;
    }

    @Override
    public String toString() {
        return cameraId + "=" + status + (error != null ? " (" + error + ")" : "");
    }
}
