package io.edgesight.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.edgesight.config.Settings;
import io.edgesight.engine.EngineRegistry;
import io.edgesight.engine.InferredFrame;
import io.edgesight.engine.ModelSpec;
import io.edgesight.preprocess.PreparedFrame;
import io.edgesight.preprocess.PreprocessConstants;
import io.edgesight.preprocess.ResizeTransform;
import io.edgesight.testing.TestModels;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batcher with Camel's aggregate EIP and a real engine: full batches, a partial batch closed by the
 * timeout, for a model with a fixed batch dimension (padded) and a dynamic one (run as is).
 */
class BatchingTest {

    @ParameterizedTest(name = "model batch dimension {0}")
    @ValueSource(longs = {4, -1})
    void tenFramesMakeTwoFullBatchesAndOnePartialOneWithoutPhantomPredictions(long batchDim, @TempDir Path dir) throws Exception {
        Path model = TestModels.channelMean(dir.resolve("m"), batchDim, 8, 8);
        ModelSpec spec = ModelSpec.from("m", new Settings(k -> switch (k) {
            case "edgesight.models.m.path" -> model.toString();
            case "edgesight.models.m.batch-size" -> "4";
            case "edgesight.models.m.normalize" -> "raw";
            case "edgesight.models.m.channel-order" -> "BGR";
            case "edgesight.models.m.threads" -> "1";
            default -> null;
        }));
        EngineRegistry registry = new EngineRegistry(List.of(spec));
        List<List<InferredFrame>> batches = new CopyOnWriteArrayList<>();
        try (CamelContext ctx = new DefaultCamelContext()) {
            ctx.getRegistry().bind(EngineRegistry.BEAN, registry);
            ctx.getRegistry().bind(BatchAggregationStrategy.BEAN, new BatchAggregationStrategy());
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:frames")
                            .aggregate(constant("m")).aggregationStrategy("batcher")
                            .completionSize(4).completionTimeout(300).forceCompletionOnStop()
                            .to("infer:m")
                            .process(e -> batches.add(new ArrayList<>(e.getMessage().getBody(List.class))));
                }
            });
            ctx.start();
            registry.prepare("m");
            ProducerTemplate producer = ctx.createProducerTemplate();
            for (int k = 0; k < 10; k++) {
                // frame k is a flat image of value 10k+1 in B, 10k+2 in G, 10k+3 in R: its channel means say which frame it is
                Mat img = new Mat(8, 8, CV_8UC3, new Scalar(10 * k + 1, 10 * k + 2, 10 * k + 3, 0));
                PreparedFrame f = new PreparedFrame("cam", k, 0, System.nanoTime(), img,
                        new ResizeTransform(8, 8, 1, 1, 0, 0, 0, 0), 0);
                producer.sendBodyAndHeader("direct:frames", f, PreprocessConstants.MODEL, "m");
            }
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> batches.size() == 3);
        } finally {
            registry.stop();
        }
        assertThat(batches).extracting(List::size).containsExactly(4, 4, 2);
        int k = 0;
        for (List<InferredFrame> batch : batches) {
            for (InferredFrame f : batch) {
                assertThat(f.frame().seq()).isEqualTo(k);
                assertThat(f.output()).containsExactly(10f * k + 1, 10f * k + 2, 10f * k + 3);
                assertThat(f.batchSize()).isEqualTo(4);
                k++;
            }
        }
        assertThat(batches.get(2)).allSatisfy(f -> assertThat(f.batchFill()).isEqualTo(2));
    }
}
