package io.edgesight.predict;

import java.time.Instant;
import java.util.List;
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
            ModelSpec spec = EngineRegistry.lookup(getCamelContext()).spec(model);
            String labelsKey = ModelSpec.PREFIX + model + ".labels";
            Labels labels = Labels.load(spec.labels(), labelsKey);
            ClassificationDecoder decoder = new ClassificationDecoder(labels,
                    topK != null ? topK : spec.topK(), spec.minScore(), spec.outputKind());
            return new DefaultProducer(this) {
                private volatile boolean checked;

                @Override
                public void process(Exchange exchange) {
                    InferredFrame in = exchange.getMessage().getBody(InferredFrame.class);
                    if (in == null) throw new IllegalArgumentException("predict:" + model + " takes one inferred frame (split the infer: output)");
                    if (!checked) {
                        labels.checkCovers(in.output().length, labelsKey);
                        checked = true;
                    }
                    long t0 = System.nanoTime();
                    List<Classification> top = decoder.decode(in.output());
                    long decode = System.nanoTime() - t0;
                    PreparedFrame f = in.frame();
                    Prediction p = new Prediction(1, f.cameraId(), f.seq(),
                            Instant.ofEpochMilli(f.captureEpochMillis()).toString(),
                            Instant.ofEpochMilli(in.inferenceEpochMillis()).toString(), model,
                            new Prediction.FrameSize(f.transform().sourceWidth(), f.transform().sourceHeight()), top,
                            new Prediction.BatchInfo(in.batchSize(), in.batchFill()),
                            new Prediction.Timings(ms(f.preprocessNanos()), ms(in.batchWaitNanos()), ms(in.queueNanos()),
                                    ms(in.inferenceNanos()), ms(decode), ms(System.nanoTime() - f.captureNanos())));
                    exchange.getMessage().setBody(p);
                    exchange.getMessage().setHeader(CameraConstants.CAMERA_ID, f.cameraId());
                    exchange.getMessage().setHeader(CameraConstants.FRAME_SEQ, f.seq());
                }
            };
        }

        private static double ms(long nanos) {
            return Math.round(nanos / 10_000.0) / 100.0;
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
