package io.edgesight.app;

import io.edgesight.config.UserError;
import java.util.concurrent.atomic.AtomicReference;

import io.edgesight.stats.PipelineTracker;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fatal errors (an engine that cannot load, every camera failed) stop the application with one clear message;
 * the drain that every stop begins with.
 */
public class Lifecycle implements CamelContextAware {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
    public static final String BEAN = "lifecycle";

    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final Runnable shutdown;
    private CamelContext camelContext;

    public Lifecycle(Runnable shutdown) {
        this.shutdown = shutdown;
    }

    /**
     * The first step of every stop (SIGTERM, --duration, a drained run): the cameras stop first, then the frames
     * they already handed over go through batching, inference and the outputs, and the MQTT outbox is emptied while
     * the broker takes messages, all within {@code timeoutMillis}. Camel's own shutdown follows.
     */
    public void drain(PipelineTracker tracker, long timeoutMillis) {
        CamelContext ctx = camelContext;
        if (ctx == null || !ctx.isStarted()) return;
        long t0 = System.nanoTime();
        long deadline = t0 + timeoutMillis * 1_000_000L;
        try {
            for (Route r : ctx.getRoutes()) {
                if (r.getConsumer() instanceof io.edgesight.camera.CameraConsumer
                        && ctx.getRouteController().getRouteStatus(r.getRouteId()).isStarted()) {
                    ctx.getRouteController().stopRoute(r.getRouteId(), Math.max(1, left(deadline) / 1000), java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            long inFlight = tracker.inFlight();
            boolean published = tracker.awaitInFlight(left(deadline));
            var buffers = io.edgesight.sink.mqtt.MqttBufferComponent.buffers(ctx).values();
            io.edgesight.sink.mqtt.MqttConnection mqtt = ctx.getRegistry().lookupByNameAndType(
                    io.edgesight.sink.mqtt.MqttConnection.BEAN, io.edgesight.sink.mqtt.MqttConnection.class);
            while (left(deadline) > 0 && mqtt != null && mqtt.isConnected()
                    && buffers.stream().anyMatch(b -> b.depth() > 0)) {
                Thread.sleep(20);
            }
            long waiting = buffers.stream().mapToLong(io.edgesight.sink.mqtt.OutboundBuffer::depth).sum();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (published && waiting == 0) {
                LOG.info("shutdown: cameras stopped, {} frame(s) in flight published in {} ms", inFlight, ms);
            } else {
                LOG.warn("shutdown: after {} ms (edgesight.shutdown.timeout-s) {} frame(s) are not published and {} MQTT "
                        + "message(s) wait in the outbox; stopping anyway", ms, tracker.inFlight(), waiting);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("shutdown: could not drain the pipeline: {}", e.toString());
        }
    }

    private static long left(long deadlineNanos) {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }

    /** Called by a route's error handler: remember the error and stop the application. */
    public void fatal(Exchange exchange) {
        Throwable t = exchange.getException();
        if (t == null) t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        fatal(t == null ? new IllegalStateException("start-up route failed") : t);
    }

    /** Remembers the error and stops the application (engines that cannot load, every camera failed). */
    public void fatal(Throwable t) {
        if (fatal.compareAndSet(null, t)) {
            Thread stopper = new Thread(shutdown, "edgesight-fatal-stop");
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    public Throwable fatalError() { return fatal.get(); }

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
}
