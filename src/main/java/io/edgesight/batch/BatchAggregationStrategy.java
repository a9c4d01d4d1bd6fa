package io.edgesight.batch;

import io.edgesight.engine.Batch;
import io.edgesight.engine.EngineRegistry;
import io.edgesight.preprocess.PreprocessConstants;
import io.edgesight.preprocess.PreparedFrame;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;

/**
 * Camel aggregate EIP strategy that builds fixed-size engine batches (as nvstreammux does): frames from any
 * number of cameras go into one batch, completion size = the engine's batch size.
 */
public class BatchAggregationStrategy implements AggregationStrategy, CamelContextAware {
    public static final String BEAN = "batcher";
    private CamelContext camelContext;

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange frameExchange) {
        PreparedFrame frame = frameExchange.getMessage().getBody(PreparedFrame.class);
        if (frame == null) throw new IllegalArgumentException("the batcher takes frames from a preprocess: step");
        if (batchExchange == null) {
            String model = frameExchange.getMessage().getHeader(PreprocessConstants.MODEL, String.class);
            Batch batch = new Batch(model, EngineRegistry.lookup(camelContext).engine(model));
            batch.add(frame);
            frameExchange.getMessage().setBody(batch);
            return frameExchange;
        }
        batchExchange.getMessage().getBody(Batch.class).add(frame);
        return batchExchange;
    }

    @Override
    public void onCompletion(Exchange exchange) {
        Batch b = exchange.getMessage().getBody(Batch.class);
        if (b != null) b.markCompleted();
    }

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
}
