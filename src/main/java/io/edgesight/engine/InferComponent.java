package io.edgesight.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.edgesight.stats.PipelineTracker;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * {@code infer:<model>}: runs one batch per exchange on the model's engine. The body becomes a list of
 * {@link InferredFrame}, one per real frame (padding rows never produce output), each carrying every output of the
 * run. The batch memory is
 * always closed here, whatever happens. The runtime (TensorFlow or ONNX Runtime) is the model's; routes do not
 * name it. A batch the engine fails on, or does not finish within {@code timeoutMs}, is skipped: its frames count
 * as failed, the body becomes an empty list and the next batch runs ({@link BatchFailures}, {@link EngineRunGuard}).
 */
@Component("infer")
public class InferComponent extends DefaultComponent {
    @Metadata(defaultValue = "30000", description = "A batch run longer than this (ms) fails (edgesight.engine.timeout-ms; 0 = no limit)")
    private long timeoutMs = 30_000;
    @Metadata(defaultValue = "10000", description = "Failed batches are logged at most once per interval (ms)")
    private long failureLogInterval = 10_000;

    public long getTimeoutMs() { return timeoutMs; }
    public void setTimeoutMs(long timeoutMs) { this.timeoutMs = timeoutMs; }
    public long getFailureLogInterval() { return failureLogInterval; }
    public void setFailureLogInterval(long failureLogInterval) { this.failureLogInterval = failureLogInterval; }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        InferEndpoint e = new InferEndpoint(uri, this, remaining);
        setProperties(e, parameters);
        return e;
    }

    @UriEndpoint(firstVersion = "0.1.0", scheme = "infer", title = "Infer", syntax = "infer:model",
            producerOnly = true, category = {Category.AI})
    public static class InferEndpoint extends DefaultEndpoint {
        @UriPath(description = "Model id (edgesight.models.<id>.*)")
        @Metadata(required = true)
        private final String model;

        InferEndpoint(String uri, InferComponent component, String model) {
            super(uri, component);
            this.model = model;
        }

        @Override
        public Producer createProducer() {
            EngineRegistry.lookup(getCamelContext()).spec(model);
            InferComponent component = (InferComponent) getComponent();
            EngineRunGuard guard = new EngineRunGuard(model, component.getTimeoutMs());
            BatchFailures failures = new BatchFailures(model, component.getFailureLogInterval());
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    Batch batch = exchange.getMessage().getBody(Batch.class);
                    if (batch == null) throw new IllegalArgumentException("infer:" + model + " takes a batch from the batcher");
                    Engine engine;
                    try {
                        engine = EngineRegistry.lookup(getCamelContext()).engine(model);
                    } catch (RuntimeException e) {
                        batch.close();
                        throw e;
                    }
                    long start = System.nanoTime();
                    Outputs outputs;
                    try {
                        outputs = guard.run(engine, batch); // closes the batch
                    } catch (RuntimeException e) {
                        failures.failed(batch, e, PipelineTracker.lookup(getCamelContext()));
                        exchange.getMessage().setBody(List.of());
                        return;
                    }
                    long end = System.nanoTime();
                    long now = System.currentTimeMillis();
                    float[][] rows = outputs.rows(engine.outputName(), batch.size());
                    List<InferredFrame> out = new ArrayList<>(rows.length);
                    for (int i = 0; i < rows.length; i++) {
                        var f = batch.frames().get(i);
                        long completed = batch.completedNanos() == 0 ? start : batch.completedNanos();
                        out.add(new InferredFrame(model, f, rows[i], batch.capacity(), batch.size(),
                                completed - f.readyNanos(), start - completed, end - start, now, outputs, i));
                    }
                    exchange.getMessage().setBody(out);
                }

                @Override
                protected void doStop() throws Exception {
                    // closing an engine under a native run that never returned would free memory it still uses
                    if (guard.stuck()) EngineRegistry.lookup(getCamelContext()).abandon(model);
                    guard.close();
                    super.doStop();
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("infer: is a producer");
        }

        public String getModel() { return model; }
    }
}
