package io.edgesight.engine;

import java.util.Map;

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

/**
 * {@code engine:prepare?models=a,b}: used by the startup route to load and warm up every engine before
 * the camera routes start.
 */
@Component("engine")
public class EngineComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!"prepare".equals(remaining)) {
            throw new EngineException("unknown engine action '" + remaining + "' in " + uri + "; use engine:prepare?models=<ids>");
        }
        PrepareEndpoint e = new PrepareEndpoint(uri, this);
        setProperties(e, parameters);
        return e;
    }

    @UriEndpoint(firstVersion = "0.1.0", scheme = "engine", title = "Engine", syntax = "engine:action",
            producerOnly = true, category = {Category.AI})
    public static class PrepareEndpoint extends DefaultEndpoint {
        @UriPath(description = "prepare")
        @Metadata(required = true)
        private String action = "prepare";
        @UriParam(description = "Comma-separated model ids; empty = every configured model")
        private String models;

        PrepareEndpoint(String uri, EngineComponent component) {
            super(uri, component);
        }

        @Override
        public Producer createProducer() {
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    EngineRegistry registry = EngineRegistry.lookup(getCamelContext());
                    Iterable<String> ids = models == null || models.isBlank()
                            ? registry.specs().keySet() : java.util.Arrays.asList(models.split("\\s*,\\s*"));
                    for (String id : ids) registry.prepare(id);
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("engine: is a producer");
        }

        public String getAction() { return action; }
        public String getModels() { return models; }
        public void setModels(String models) { this.models = models; }
    }
}
