package io.edgesight.sink.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import io.edgesight.sink.mqtt.OutboundBuffer;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands buffered records to the route that ends in {@code kafka:}, oldest first, on one thread, with up to
 * {@code window} records in the producer and not yet acknowledged. The producer keeps one camera's records in
 * order (one key, one partition; idempotence on, at most 5 requests in flight) and retries by itself within its
 * delivery timeout, so a broker that dies and comes back, or a leader change, costs neither a record nor a
 * duplicate. Records the producer gives up on (an outage longer than the delivery timeout) go back to the head
 * of the buffer, in order, and are sent again after a backoff; while the window is full, newer records wait in
 * the buffer. Records in the producer still count toward the buffer's bound (the window is at most half of it),
 * so at most {@code edgesight.kafka.buffer.size} records wait in all; beyond it the oldest waiting in the buffer
 * are dropped.
 */
final class KafkaDelivery extends DefaultConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaDelivery.class);

    private final KafkaBufferComponent.KafkaBufferEndpoint endpoint;
    private final OutboundBuffer buffer;
    /** Records in the producer, in the order they were sent: sequence number -> entry. */
    private final LinkedHashMap<Long, OutboundBuffer.Entry> inFlight = new LinkedHashMap<>();
    private final Map<Long, OutboundBuffer.Entry> failed = new HashMap<>();
    private Exception lastError;
    private long nextSeq;
    private ExecutorService executor;
    private volatile boolean running;
    private volatile long drainDeadline = Long.MAX_VALUE;
    private boolean failing;
    private long failingSinceNanos;

    KafkaDelivery(KafkaBufferComponent.KafkaBufferEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.buffer = endpoint.buffer();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        running = true;
        drainDeadline = Long.MAX_VALUE;
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "kafka-buffer-" + endpoint.getName());
        executor.submit(this::loop);
    }

    private void loop() {
        long delay = endpoint.getRetryDelay();
        AsyncProcessor route = AsyncProcessorConverterHelper.convert(getProcessor());
        try {
            while (true) {
                if (!running && (buffer.depth() == 0 || System.nanoTime() > drainDeadline)) break;
                if (hasFailures()) {
                    // let the rest of the window finish, then send the given-up records again, oldest first
                    if (!awaitInFlight(200)) continue;
                    List<OutboundBuffer.Entry> again = takeFailures();
                    if (startFailing()) {
                        LOG.warn("Kafka delivery failed ({}); keeping records in the outbound buffer (at most {}) and retrying",
                                rootMessage(lastError), buffer.capacity());
                    }
                    buffer.requeue(again);
                    if (!running && System.nanoTime() > drainDeadline) break;
                    Thread.sleep(delay);
                    delay = Math.min(endpoint.getRetryMaxDelay(), delay * 2);
                    continue;
                }
                if (!awaitWindowRoom(200)) {
                    buffer.logDropsIfDue();
                    continue;
                }
                OutboundBuffer.Entry e = buffer.poll(200);
                buffer.logDropsIfDue();
                if (e == null) continue;
                send(route, e);
                if (!hasFailures()) delay = endpoint.getRetryDelay();
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        int left = buffer.depth();
        if (left > 0) LOG.warn("Kafka outbound buffer '{}': {} record(s) not delivered at shutdown", endpoint.getName(), left);
    }

    /** Runs the route for one record; its completion (acknowledged or given up) comes back in {@link #done}. */
    private void send(AsyncProcessor route, OutboundBuffer.Entry e) {
        long seq;
        synchronized (this) {
            seq = nextSeq++;
            inFlight.put(seq, e);
        }
        Exchange exchange = createExchange(false);
        exchange.getMessage().setHeaders(new HashMap<>(e.headers()));
        exchange.getMessage().setBody(e.body());
        try {
            route.process(exchange, doneSync -> done(seq, e, exchange));
        } catch (Exception ex) {
            exchange.setException(ex);
            done(seq, e, exchange);
        }
    }

    private void done(long seq, OutboundBuffer.Entry e, Exchange exchange) {
        Exception error = exchange.getException();
        boolean recovered = false;
        synchronized (this) {
            inFlight.remove(seq);
            if (error != null) {
                failed.put(seq, e);
                lastError = error;
            } else {
                buffer.finished(e);
                if (failing && failed.isEmpty()) {
                    failing = false;
                    recovered = true;
                }
            }
            notifyAll();
        }
        if (recovered) {
            LOG.info("Kafka delivery works again after {} s; {} record(s) waiting",
                    (System.nanoTime() - failingSinceNanos) / 1_000_000_000, buffer.depth());
        }
        releaseExchange(exchange, false);
    }

    /** True when this failure starts an outage (logged once; {@link #done} logs its end). */
    private synchronized boolean startFailing() {
        if (failing) return false;
        failing = true;
        failingSinceNanos = System.nanoTime();
        return true;
    }

    private synchronized int inFlightCount() { return inFlight.size(); }

    private synchronized boolean hasFailures() { return !failed.isEmpty(); }

    /** The records the producer gave up on, in the order they were first sent. */
    private synchronized List<OutboundBuffer.Entry> takeFailures() {
        List<Long> seqs = new ArrayList<>(failed.keySet());
        seqs.sort(null);
        List<OutboundBuffer.Entry> out = new ArrayList<>();
        for (Long s : seqs) out.add(failed.get(s));
        failed.clear();
        return out;
    }

    private synchronized boolean awaitInFlight(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!inFlight.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private synchronized boolean awaitWindowRoom(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (inFlight.size() >= window() && failed.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** At most half the buffer's bound in the producer: the rest of the bound stays for the newest records. */
    private int window() {
        return Math.max(1, Math.min(endpoint.getWindow(), buffer.capacity() / 2));
    }

    private static String rootMessage(Throwable t) {
        if (t == null) return "unknown error";
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    @Override
    protected void doStop() throws Exception {
        drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(endpoint.getDrainTimeout());
        running = false;
        if (executor != null) {
            executor.shutdown();
            if (!executor.awaitTermination(endpoint.getDrainTimeout() + 2000, TimeUnit.MILLISECONDS)) executor.shutdownNow();
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        super.doStop();
    }
}
