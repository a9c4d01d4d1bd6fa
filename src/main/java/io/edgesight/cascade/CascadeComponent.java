package io.edgesight.cascade;

import java.util.List;
import java.util.Map;

import io.edgesight.engine.EngineRegistry;
import io.edgesight.engine.InferredFrame;
import io.edgesight.predict.Decoders;
import io.edgesight.predict.PredictComponent;
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
 * {@code cascade:<model>}: takes the inferred frames of one batch of a parent model (the {@code infer:} output),
 * decodes them as {@code predict:} does and runs the cascades on their detections; the body becomes the frames'
 * payloads, cascades nested, each published once.
 */
@Component("cascade")
public class CascadeComponent extends DefaultComponent {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CascadeComponent.class);

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        CascadeEndpoint e = new CascadeEndpoint(uri, this, remaining);
        setProperties(e, parameters);
        return e;
    }

    @UriEndpoint(firstVersion = "0.1.0", scheme = "cascade", title = "Cascade", syntax = "cascade:model",
            producerOnly = true, category = {Category.AI})
    public static class CascadeEndpoint extends DefaultEndpoint {
        @UriPath(description = "The parent model id (edgesight.models.<id>.*) whose detections the cascades crop")
        @Metadata(required = true)
        private final String model;

        CascadeEndpoint(String uri, CascadeComponent component, String model) {
            super(uri, component);
            this.model = model;
        }

        @Override
        public Producer createProducer() {
            EngineRegistry.lookup(getCamelContext()).spec(model);
            return new DefaultProducer(this) {
                private volatile CascadeRunner runner;

                @Override
                public void process(Exchange exchange) {
                    List<?> body = exchange.getMessage().getBody(List.class);
                    if (body == null) throw new IllegalArgumentException("cascade:" + model + " takes the inferred frames of an infer: step");
                    CascadeRunner r = runner;
                    if (r == null) {
                        r = runner = new CascadeRunner(Cascades.lookup(getCamelContext()), EngineRegistry.lookup(getCamelContext()),
                                Decoders.lookup(getCamelContext()),
                                getCamelContext().getComponent("predict", PredictComponent.class).getNode());
                    }
                    List<InferredFrame> frames = body.stream().map(InferredFrame.class::cast).toList();
                    exchange.getMessage().setBody(r.run(model, frames));
                }

                @Override
                protected void doStop() throws Exception {
                    // what the cascades cost: crops, engine runs, batch fill and time per run, once at shutdown
                    if (runner != null) Cascades.lookup(getCamelContext()).summary().lines().forEach(l -> LOG.info("{}", l));
                    super.doStop();
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("cascade: is a producer");
        }

        public String getModel() { return model; }
    }
}
