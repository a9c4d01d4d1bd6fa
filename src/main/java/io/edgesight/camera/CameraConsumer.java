package io.edgesight.camera;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import io.edgesight.app.PipelineTracker;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads frames on its own thread and hands each one to the route synchronously (back-pressure). */
public class CameraConsumer extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(CameraConsumer.class);

    private final CameraEndpoint endpoint;
    private FrameSource source;
    private ExecutorService executor;
    private volatile boolean running;
    private PipelineTracker tracker;

    public CameraConsumer(CameraEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        tracker = PipelineTracker.lookup(getEndpoint().getCamelContext());
        source = endpoint.createSource();
        source.open(); // fail the route start with a clear message, not later on a thread
        running = true;
        tracker.sourceStarted(endpoint.getCameraId());
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "camera-" + endpoint.getCameraId());
        executor.submit(this::readLoop);
        LOG.info("camera '{}' reading {}", endpoint.getCameraId(), source.describe());
    }

    private void readLoop() {
        String id = endpoint.getCameraId();
        long seq = 0;
        long limit = endpoint.getMaxFrames();
        double fps = source.frameRate();
        long frameNanos = endpoint.getPacing() == Pacing.realtime && fps > 0 ? (long) (1e9 / fps) : 0;
        long next = System.nanoTime();
        try {
            while (running && (limit == 0 || seq < limit)) {
                Mat image = source.grab();
                if (image == null) {
                    if (endpoint.isLoop() && source.rewind()) continue;
                    break;
                }
                if (frameNanos > 0) {
                    next += frameNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                }
                Frame frame = new Frame(id, seq, System.currentTimeMillis(), System.nanoTime(), image);
                emit(frame);
                seq++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (CameraException e) {
            LOG.error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("camera '{}' stopped: {}", id, e.toString());
        } finally {
            LOG.info("camera '{}' finished after {} frames", id, seq);
            tracker.sourceFinished(id, seq);
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

    @Override
    protected void doStop() throws Exception {
        running = false;
        if (executor != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(executor, 10_000);
            executor = null;
        }
        if (source != null) {
            source.close();
            source = null;
        }
        super.doStop();
    }
}
