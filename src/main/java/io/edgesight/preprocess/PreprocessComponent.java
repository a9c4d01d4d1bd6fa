package io.edgesight.preprocess;

import java.util.Map;

import io.edgesight.camera.Frame;
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
 * {@code preprocess:<model>}: resizes a camera frame to the model's input size (read from its signature)
 * with the model's resize mode. Normalisation happens when the batcher writes the frame into the tensor.
 */
@Component("preprocess")
public class PreprocessComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PreprocessEndpoint e = new PreprocessEndpoint(uri, this, remaining);
        setProperties(e, parameters);
        return e;
    }

    @UriEndpoint(firstVersion = "0.1.0", scheme = "preprocess", title = "Preprocess", syntax = "preprocess:model",
            producerOnly = true, category = {Category.AI}, headersClass = PreprocessConstants.class)
    public static class PreprocessEndpoint extends DefaultEndpoint {
        @UriPath(description = "Model id (edgesight.models.<id>.*) whose input size and resize mode apply")
        @Metadata(required = true)
        private final String model;

        PreprocessEndpoint(String uri, PreprocessComponent component, String model) {
            super(uri, component);
            this.model = model;
        }

        @Override
        public Producer createProducer() {
            inputs().requireModel(model); // unknown model: fail at route start
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    Frame frame = exchange.getMessage().getBody(Frame.class);
                    if (frame == null) throw new IllegalArgumentException("preprocess:" + model + " takes frames from a camera: source");
                    ModelInputs.Target engine = inputs().target(model);
                    long t0 = System.nanoTime();
                    Resizer.Resized r;
                    try {
                        r = Resizer.resize(frame.image(), engine.width(), engine.height(), engine.resize());
                    } finally {
                        frame.close(); // the full-size pixels are not needed any more
                    }
                    exchange.getMessage().setBody(new PreparedFrame(frame.cameraId(), frame.seq(),
                            frame.captureEpochMillis(), frame.captureNanos(), r.image(), r.transform(), System.nanoTime() - t0));
                    exchange.getMessage().setHeader(PreprocessConstants.MODEL, model);
                }
            };
        }

        private ModelInputs inputs() {
            ModelInputs m = getCamelContext().getRegistry().lookupByNameAndType(ModelInputs.BEAN, ModelInputs.class);
            if (m == null) throw new IllegalStateException("no '" + ModelInputs.BEAN + "' bound; start edgesight through its launcher");
            return m;
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("preprocess: is a producer");
        }

        public String getModel() { return model; }
    }
}
