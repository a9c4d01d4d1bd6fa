package io.edgesight.predict;

import java.util.Map;

import io.edgesight.camera.CameraConstants;
import io.edgesight.engine.EngineRegistry;
import io.edgesight.engine.InferredFrame;
import io.edgesight.engine.ModelSpec;
import io.edgesight.preprocess.PreparedFrame;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/** {@code predict:<model>}: decodes one inferred frame into its {@link Prediction} payload. */
@Component("predict")
public class PredictComponent extends DefaultComponent {
    /** Header with the model id of the prediction (Kafka record header {@code model}). */
    public static final String MODEL_ID = "EdgesightModelId";

    @Metadata(defaultValue = "edgesight", description = "The node id every payload carries (edgesight.node.id)")
    private String node = "edgesight";

    public String getNode() { return node; }
    public void setNode(String node) { this.node = node; }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PredictEndpoint e = new PredictEndpoint(uri, this, remaining);
        setProperties(e, parameters);
        return e;
    }

    @UriEndpoint(firstVersion = "0.1.0", scheme = "predict", title = "Predict", syntax = "predict:model",
            producerOnly = true, category = {Category.AI}, headersClass = CameraConstants.class)
    public static class PredictEndpoint extends DefaultEndpoint {
        @UriPath(description = "Model id (edgesight.models.<id>.*)")
        @Metadata(required = true)
        private final String model;
        @UriParam(description = "Number of classes to report; default edgesight.models.<id>.top-k")
        private Integer topK;

        PredictEndpoint(String uri, PredictComponent component, String model) {
            super(uri, component);
            this.model = model;
        }

        @Override
        public Producer createProducer() {
            EngineRegistry registry = EngineRegistry.lookup(getCamelContext());
            ModelSpec spec = registry.spec(model);
            Decoders decoders = Decoders.lookup(getCamelContext());
            return new DefaultProducer(this) {
                private volatile Decoder decoder;
                private volatile Prediction.EngineInfo engine;

                @Override
                public void process(Exchange exchange) {
                    InferredFrame in = exchange.getMessage().getBody(InferredFrame.class);
                    if (in == null) throw new IllegalArgumentException("predict:" + model + " takes one inferred frame (split the infer: output)");
                    Decoder d = decoder;
                    if (d == null) {
                        // prepared by the engines start-up route once the engine is loaded
                        d = decoder = topK == null ? decoders.decoder(model) : topK(decoders.decoder(model));
                        engine = new Prediction.EngineInfo(registry.engineId(model), registry.engine(model).runtime(), spec.precision().toString());
                    }
                    long t0 = System.nanoTime();
                    Decoder.Decoded decoded = d.decode(in);
                    long decode = System.nanoTime() - t0;
                    Prediction p = Prediction.of(((PredictComponent) getComponent()).getNode(), in, decoded, engine, decode);
                    PreparedFrame f = in.frame();
                    exchange.getMessage().setBody(p);
                    exchange.getMessage().setHeader(CameraConstants.CAMERA_ID, f.cameraId());
                    exchange.getMessage().setHeader(CameraConstants.FRAME_SEQ, f.seq());
                    exchange.getMessage().setHeader(MODEL_ID, model);
                }

                /** The endpoint's topK option narrows a classification decoder's list. */
                private Decoder topK(Decoder base) {
                    if (!(base instanceof ClassificationDecoder)) return base;
                    return new ClassificationDecoder(Labels.load(spec.labels(), ModelSpec.PREFIX + model + ".labels"),
                            topK, spec.minScore(), spec.outputKind());
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("predict: is a producer");
        }

        public String getModel() { return model; }
        public Integer getTopK() { return topK; }
        public void setTopK(Integer topK) { this.topK = topK; }
    }
}
