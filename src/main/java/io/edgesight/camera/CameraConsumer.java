package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.edgesight.stats.PipelineTracker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.DefaultConsumer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one camera on two threads. The reader grabs frames, applies the frame-rate control and hands them over
 * through a bounded {@link FrameHandoff} (a live source never waits for the pipeline: the oldest waiting frame is
 * dropped and counted). The pipeline thread takes frames from the hand-off and runs the route synchronously.
 * A live source that fails or ends is reopened with exponential backoff and jitter; every status change
 * (online, offline, reconnecting) goes to the component's status URI and to the camera's health check.
 * A camera that cannot start never stops the others: it logs one line naming the camera and goes offline.
 */
public class CameraConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(CameraConsumer.class);

    private final CameraEndpoint endpoint;
    private final String id;
    private volatile FrameSource source;
    private volatile boolean running;
    private PipelineTracker tracker;
    private CameraState state;
    private FrameHandoff handoff;
    private Thread reader;
    private Thread pipeline;
    private ProducerTemplate statusProducer;
    private String statusUri;
    private CameraHealthCheck healthCheck;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry meterRegistry;
    private java.util.concurrent.locks.ReentrantLock turns;

    public CameraConsumer(CameraEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.id = endpoint.getCameraId();
    }

    /** This camera's state and counters. */
    public CameraState state() { return state; }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        CamelContext ctx = getEndpoint().getCamelContext();
        tracker = PipelineTracker.lookup(ctx);
        CameraStates states = CameraStates.lookup(ctx);
        state = states.register(id);
        String group = endpoint.getFairGroup();
        turns = group == null || group.isBlank() || group.equals("none") ? null : states.turns(group);
        state.failed(false);
        state.finished(false);
        state.set(CameraStatus.offline, "starting", null);
        statusUri = endpoint.getComponent().getStatusUri();
        if (statusUri != null && !statusUri.isBlank()) statusProducer = ctx.createProducerTemplate();
        registerHealthCheck(ctx);
        registerMetrics(ctx);
        running = true;
        tracker.sourceStarted(id);
        // the source opens once Camel has started every route and this camera's model is ready (engine loaded): a
        // frame read earlier would have nowhere to go. A camera added while edgesight runs is called back at once.
        begun.set(false);
        ctx.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                if (alreadyStarted) whenReady();
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                whenReady();
            }
        });
    }

    private final java.util.concurrent.atomic.AtomicBoolean begun = new java.util.concurrent.atomic.AtomicBoolean();

    private void whenReady() {
        if (!begun.compareAndSet(false, true)) return;
        endpoint.getComponent().readiness(id).whenComplete((ok, error) -> {
            if (error == null) begin();
        });
    }

    /** Opens the source and starts the camera's two threads. */
    private synchronized void begin() {
        if (!running) return;
        CamelContext ctx = getEndpoint().getCamelContext();
        tracker.sourceOpening(id);
        FrameSource s;
        try {
            s = endpoint.createSource();
            state.source(endpoint.kind(), s.describe());
            if (!s.live()) s.open(); // files and folders: a missing one is reported at once
        } catch (CameraException e) {
            fail(e);
            CameraStates states = CameraStates.lookup(ctx);
            if (states.allFailed()) endpoint.getComponent().everyCameraFailed(states.firstError().orElse(e.getMessage()));
            return;
        }
        source = s;
        handoff = new FrameHandoff(endpoint.getQueueSize(), endpoint.effectiveDropPolicy(s.live()));
        state.queueSize(handoff::size);
        if (!s.live()) online(0);
        else publish();
        endpoint.cameraMotion(new CameraMotion(endpoint.motionSettings(), state, tracker));
        reader = ctx.getExecutorServiceManager().newThread("camera-" + id, this::readLoop);
        pipeline = ctx.getExecutorServiceManager().newThread("camera-" + id + "-pipeline", this::pipelineLoop);
        reader.start();
        pipeline.start();
        LOG.info("camera '{}' reading {} ({}, drop policy {}, queue {})", id, s.describe(), s.live() ? "live" : "finite",
                handoff.policy(), handoff.capacity());
    }

    /** A problem that stops this camera for good: one line naming the camera, status offline, health DOWN. */
    private void fail(CameraException e) {
        LOG.error("{}", SecretMasker.mask(e.getMessage()));
        state.failed(true);
        state.set(CameraStatus.offline, "failed", e.getMessage());
        publish();
        tracker.sourceFailed(id);
    }

    private void online(int attempts) {
        if (attempts > 0) state.reconnects.increment();
        state.attempt(0, 0);
        state.set(CameraStatus.online, attempts > 0 ? "reconnected" : "reading", null);
        publish();
    }

    private void readLoop() {
        FrameSource s = source;
        boolean live = s.live();
        boolean open = !live;
        long limit = endpoint.getMaxFrames();
        Backoff backoff = new Backoff(endpoint.getReconnectDelayMs(), endpoint.getReconnectMaxDelayMs(),
                endpoint.getReconnectJitter(), endpoint.getReconnectMaxAttempts());
        FrameRateControl rate = new FrameRateControl(endpoint.getFps(), endpoint.getEveryNth());
        int attempt = 0;
        String lastError = null;
        long seq = 0;
        long mediaIndex = 0;
        long sinceRewind = 0;
        double sourceFps = open ? s.frameRate() : 0;
        long frameNanos = pacingNanos(s, live);
        long next = System.nanoTime();
        try {
            while (running && (limit == 0 || seq < limit)) {
                if (!open) {
                    if (attempt > 0) {
                        if (!backoff.allows(attempt)) {
                            fail(new CameraException("camera '" + id + "': gave up after " + backoff.maxAttempts()
                                    + " reconnect attempts (reconnectMaxAttempts); last error: " + lastError, null, true));
                            break;
                        }
                        long delay = backoff.delayMs(attempt);
                        state.attempt(attempt, delay);
                        state.set(CameraStatus.reconnecting, "retrying", lastError);
                        publish();
                        LOG.debug("camera '{}': reconnect attempt {} in {} ms", id, attempt, delay);
                        Thread.sleep(delay);
                        if (!running) break;
                    }
                    try {
                        s.open();
                    } catch (CameraException e) {
                        if (e.isPermanent()) {
                            fail(e);
                            break;
                        }
                        String msg = SecretMasker.mask(e.getMessage());
                        if (attempt == 0) {
                            LOG.error("{}; retrying with backoff", msg);
                            state.set(CameraStatus.offline, "cannot open", msg);
                            publish();
                        } else if (!msg.equals(lastError)) {
                            LOG.warn("{}; still retrying (attempt {})", msg, attempt);
                        }
                        lastError = msg;
                        attempt++;
                        continue;
                    }
                    open = true;
                    if (attempt > 0) LOG.info("camera '{}' is back online after {} reconnect attempt(s)", id, attempt);
                    else LOG.info("camera '{}' online: {}", id, s.describe());
                    online(attempt);
                    attempt = 0;
                    lastError = null;
                    rate.reset();
                    sourceFps = s.frameRate();
                }
                Mat image;
                try {
                    image = s.grab();
                } catch (CameraException e) {
                    if (!running) break;
                    if (e.isPermanent() || !live) {
                        fail(e);
                        break;
                    }
                    lastError = lost(s, e.getMessage());
                    open = false;
                    attempt = 1;
                    continue;
                }
                if (image == null) {
                    if (!running) break;
                    if (live) {
                        lastError = lost(s, "camera '" + id + "': " + s.describe() + " ended");
                        open = false;
                        attempt = 1;
                        continue;
                    }
                    if (endpoint.isLoop() && sinceRewind > 0 && s.rewind()) {
                        sinceRewind = 0;
                        continue;
                    }
                    break;
                }
                sinceRewind++;
                state.grabbed.increment();
                if (frameNanos > 0) { // finite source at its own rate
                    next += frameNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                    else if (wait < -1_000_000_000L) next = System.nanoTime();
                }
                long now = System.nanoTime();
                long clock = live || sourceFps <= 0 ? now : (long) (mediaIndex * 1e9 / sourceFps);
                mediaIndex++;
                if (!rate.accept(clock)) {
                    image.close();
                    state.skipped.increment();
                    continue;
                }
                Frame frame = new Frame(id, seq++, System.currentTimeMillis(), now, image);
                if (handoff.offer(frame) != null) {
                    state.dropped.increment();
                    tracker.frameDropped(id);
                }
                long hw = handoff.highWater();
                if (hw > state.queueHighWater.get()) state.queueHighWater.set(hw);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("camera '{}' stopped: {}", id, SecretMasker.mask(e.toString()));
            state.failed(true);
            state.set(CameraStatus.offline, "failed", e.toString());
            publish();
        } finally {
            s.close();
            // the end of a finite source (or maxFrames) is published by the pipeline thread once every frame went
            // in; a stop is published by doStop
            if (!state.failed()) state.finished(running);
            handoff.close();
        }
    }

    /** A live source was lost: close it, say so once, and let the loop reconnect. Returns the masked reason. */
    private String lost(FrameSource s, String reason) {
        String msg = SecretMasker.mask(reason);
        LOG.warn("{}; reconnecting", msg);
        s.close();
        state.set(CameraStatus.offline, "lost", msg);
        publish();
        return msg;
    }

    private long pacingNanos(FrameSource s, boolean live) {
        if (live || endpoint.getPacing() != Pacing.realtime) return 0;
        double fps = s.frameRate();
        return fps > 0 ? (long) (1e9 / fps) : 0;
    }

    private void pipelineLoop() {
        long emitted = 0;
        try {
            while (true) {
                Frame f = handoff.poll(200, TimeUnit.MILLISECONDS);
                if (f == null) {
                    if (handoff.isClosedAndEmpty()) break;
                    continue;
                }
                if (!running && handoff.policy() == DropPolicy.dropOldest) {
                    f.close(); // stopping: live frames still waiting are not worth finishing
                    continue;
                }
                if (turns != null) {
                    // wait for this camera's turn: the fair lock lets cameras in in the order their frames arrived
                    turns.lockInterruptibly();
                    try {
                        emit(f);
                    } finally {
                        turns.unlock();
                    }
                } else {
                    emit(f);
                }
                emitted++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (handoff != null) handoff.clear();
            CameraMotion motion = endpoint.cameraMotion();
            endpoint.cameraMotion(null);
            if (motion != null) motion.close(); // this thread was its only user
            if (state.finished() && !state.failed()) {
                state.set(CameraStatus.offline, "finished", null);
                publish();
            }
            tracker.sourceFinished(id, emitted);
            LOG.info("camera '{}' {}: {} frames to the pipeline, {} dropped, {} skipped{}", id,
                    state.failed() ? "failed" : state.finished() ? "finished" : "stopped", emitted, state.dropped(), state.skipped(),
                    state.skippedNoMotion() > 0 ? ", " + state.skippedNoMotion() + " without motion not inferred" : "");
        }
    }

    private void emit(Frame frame) {
        Exchange exchange = createExchange(false);
        try {
            exchange.getMessage().setBody(frame);
            exchange.getMessage().setHeader(CameraConstants.CAMERA_ID, frame.cameraId());
            exchange.getMessage().setHeader(CameraConstants.FRAME_SEQ, frame.seq());
            exchange.getMessage().setHeader(CameraConstants.CAPTURE_TIME, frame.captureEpochMillis());
            exchange.getMessage().setHeader(CameraConstants.FRAME_WIDTH, frame.width());
            exchange.getMessage().setHeader(CameraConstants.FRAME_HEIGHT, frame.height());
            tracker.frameEmitted(frame.cameraId());
            state.emitted.increment();
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                tracker.frameFailed(frame.cameraId());
                getExceptionHandler().handleException("frame " + frame, exchange, exchange.getException());
            }
        } catch (Exception e) {
            tracker.frameFailed(frame.cameraId());
            getExceptionHandler().handleException("frame " + frame, exchange, e);
        } finally {
            releaseFrameIfUnclaimed(exchange, frame);
            releaseExchange(exchange, false);
        }
    }

    /** The preprocess step takes ownership of the pixels; a frame nobody took is freed here. */
    private static void releaseFrameIfUnclaimed(Exchange exchange, Frame frame) {
        if (exchange.getMessage().getBody() == frame) {
            frame.close();
        }
    }

    /** Sends the camera's status message (masked) to the status URI; never fails the camera. */
    private void publish() {
        ProducerTemplate p = statusProducer;
        if (p == null) return;
        try {
            // an exchange of this route (not an anonymous one): metrics tag it with the camera route's id
            Exchange exchange = createExchange(false);
            exchange.getMessage().setBody(state.payload());
            exchange.getMessage().setHeader(CameraConstants.CAMERA_ID, id);
            p.send(statusUri, exchange);
        } catch (Exception e) {
            LOG.debug("camera '{}': status not sent: {}", id, e.toString());
        }
    }

    private void registerHealthCheck(CamelContext ctx) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(ctx);
        if (registry == null) return;
        healthCheck = new CameraHealthCheck(state);
        healthCheck.setCamelContext(ctx);
        registry.getCheck(healthCheck.getId()).ifPresent(registry::unregister); // a restarted route replaces its check
        if (!registry.register(healthCheck)) LOG.warn("camera '{}': health check {} not registered", id, healthCheck.getId());
    }

    private void registerMetrics(CamelContext ctx) {
        var found = ctx.getRegistry().findByType(MeterRegistry.class);
        if (found.size() != 1) return;
        meterRegistry = found.iterator().next();
        CameraState st = state;
        meters.add(FunctionCounter.builder("edgesight.camera.frames.dropped", st, CameraState::dropped)
                .tag("camera", id).description("Frames dropped because the pipeline was busy").register(meterRegistry));
        meters.add(FunctionCounter.builder("edgesight.camera.frames.grabbed", st, CameraState::grabbed)
                .tag("camera", id).description("Frames read from the source").register(meterRegistry));
        meters.add(FunctionCounter.builder("edgesight.camera.frames.skipped", st, CameraState::skipped)
                .tag("camera", id).description("Frames left out by fps / everyNth").register(meterRegistry));
        meters.add(FunctionCounter.builder("edgesight.camera.frames.skipped.no.motion", st, CameraState::skippedNoMotion)
                .tag("camera", id).description("Frames the motion gate left out (not inferred)").register(meterRegistry));
        meters.add(FunctionCounter.builder("edgesight.camera.reconnects", st, CameraState::reconnects)
                .tag("camera", id).description("Successful reconnects").register(meterRegistry));
        meters.add(Gauge.builder("edgesight.camera.online", st, s -> s.status() == CameraStatus.online ? 1 : 0)
                .tag("camera", id).description("1 while the camera delivers frames").register(meterRegistry));
        meters.add(Gauge.builder("edgesight.camera.queue.size", st, s -> s.queueSize())
                .tag("camera", id).description("Frames waiting in the hand-off").register(meterRegistry));
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        synchronized (this) { // a begin() in progress finishes first, so its threads are stopped below
            begun.set(true);
        }
        FrameSource s = source;
        if (s != null) s.abort(); // unblock a read where the kind allows (GStreamer, MJPEG)
        if (handoff != null) handoff.close();
        if (reader != null) {
            reader.interrupt();
            reader.join(endpoint.getReadTimeoutMs() + 3000L);
            if (reader.isAlive()) LOG.warn("camera '{}': reader still blocked in a read; it ends with its read timeout", id);
        }
        if (pipeline != null) {
            pipeline.join(10_000);
            if (pipeline.isAlive()) pipeline.interrupt();
        }
        reader = null;
        pipeline = null;
        source = null;
        if (state != null && endpoint.getComponent().isRemoving(id)) {
            // removed while running: the frames it already handed over are published before its last status
            if (!tracker.awaitInFlight(id, 10_000)) LOG.warn("camera '{}' removed with frames still in flight", id);
            state.set(CameraStatus.removed, "removed", null);
            publish();
        } else if (state != null && !state.failed() && !state.finished()) {
            state.set(CameraStatus.offline, "stopped", null);
            publish();
        }
        if (healthCheck != null) {
            HealthCheckRegistry registry = HealthCheckRegistry.get(getEndpoint().getCamelContext());
            if (registry != null) registry.unregister(healthCheck);
            healthCheck = null;
        }
        if (meterRegistry != null) {
            meters.forEach(meterRegistry::remove);
            meters.clear();
        }
        if (statusProducer != null) {
            statusProducer.stop();
            statusProducer = null;
        }
        super.doStop();
    }
}
