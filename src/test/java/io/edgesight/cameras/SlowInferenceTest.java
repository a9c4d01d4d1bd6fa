package io.edgesight.cameras;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.edgesight.stats.PipelineTracker;
import io.edgesight.config.Settings;
import io.edgesight.batch.BatchAggregationStrategy;
import io.edgesight.camera.CameraState;
import io.edgesight.camera.CameraStates;
import io.edgesight.engine.EngineRegistry;
import io.edgesight.engine.InferredFrame;
import io.edgesight.engine.ModelSpec;
import io.edgesight.testing.TestModels;
import io.edgesight.testing.Tools;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 5: a 25 fps live camera into the pipeline of routes/pipeline.yaml (preprocess, the batcher sending on
 * the completing thread, seda of 2 batches, infer) with inference slowed to about 10 frames a second by a delay.
 * Latency stays bounded, the drop counter rises, and no queue grows.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class SlowInferenceTest {

    record Sample(long atMillis, long latencyMillis) {}

    @Test
    void aLiveCameraFasterThanInferenceDropsFramesAndKeepsItsLatency(@TempDir Path dir) throws Exception {
        Tools.requireGstreamer();
        Path model = TestModels.channelMean(dir.resolve("m"), -1, 64, 64);
        ModelSpec spec = ModelSpec.from("m", new Settings(k -> switch (k) {
            case "edgesight.models.m.path" -> model.toString();
            case "edgesight.models.m.batch-size" -> "4";
            case "edgesight.models.m.threads" -> "1";
            default -> null;
        }));
        EngineRegistry registry = new EngineRegistry(List.of(spec));
        List<Sample> latencies = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        try (CamelContext ctx = new DefaultCamelContext()) {
            ctx.getRegistry().bind(EngineRegistry.BEAN, registry);
            ctx.getRegistry().bind(BatchAggregationStrategy.BEAN, new BatchAggregationStrategy());
            ctx.getRegistry().bind("batchSender", new SynchronousExecutorService());
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("camera:live?url=RAW(gst:videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=25/1)"
                            + "&width=320&height=240").routeId("camera-live").autoStartup(false)
                            .to("preprocess:m")
                            .aggregate(constant("m")).aggregationStrategy("batcher").completionSize(4).completionTimeout(200)
                            .forceCompletionOnStop().executorService("batchSender")
                            .to("seda:infer?size=2&blockWhenFull=true");
                    from("seda:infer?size=2").routeId("infer")
                            .to("infer:m")
                            .delay(400).syncDelayed() // the slow engine: 4 frames per 400 ms
                            .split(body()).process(e -> {
                                InferredFrame f = e.getMessage().getBody(InferredFrame.class);
                                long now = System.nanoTime();
                                latencies.add(new Sample((now - t0) / 1_000_000, (now - f.frame().captureNanos()) / 1_000_000));
                            });
                }
            });
            ctx.start();
            registry.prepare("m");
            ctx.getRouteController().startRoute("camera-live");
            CameraState state = CameraStates.lookup(ctx).get("live").orElseThrow();
            PipelineTracker tracker = PipelineTracker.lookup(ctx);
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> state.grabbed() > 0);
            List<Long> drops = new ArrayList<>();
            int maxQueue = 0;
            for (int i = 0; i < 24; i++) { // 12 s
                Thread.sleep(500);
                drops.add(state.dropped());
                maxQueue = Math.max(maxQueue, state.queueSize());
            }
            long grabbed = state.grabbed();
            long inferred = latencies.size();
            ctx.getRouteController().stopRoute("camera-live");
            assertThat(tracker.dropped("live")).isEqualTo(state.dropped());

            // the drop counter rises all the time, and accounts for what the engine could not take
            for (int i = 2; i < drops.size(); i += 2) assertThat(drops.get(i)).as("drops at %d s", i / 2).isGreaterThan(drops.get(i - 2));
            assertThat(state.dropped()).isGreaterThan(grabbed / 3);
            // no queue grows: the hand-off never held more than its 2 frames
            assertThat(maxQueue).isLessThanOrEqualTo(2);
            assertThat(state.queueHighWater()).isLessThanOrEqualTo(2);
            // latency bounded and not growing: after the first 3 s, no frame older than 3 s, and the last 3 s are
            // no worse than seconds 3-6
            long start = latencies.get(0).atMillis();
            long maxEarly = latencies.stream().filter(s -> s.atMillis() - start > 3000 && s.atMillis() - start < 6000)
                    .mapToLong(Sample::latencyMillis).max().orElseThrow();
            long last = latencies.get(latencies.size() - 1).atMillis();
            long maxLate = latencies.stream().filter(s -> last - s.atMillis() < 3000).mapToLong(Sample::latencyMillis).max().orElseThrow();
            long maxAll = latencies.stream().filter(s -> s.atMillis() - start > 3000).mapToLong(Sample::latencyMillis).max().orElseThrow();
            System.out.printf("slow inference: 12 s at 25 fps: %d frames grabbed, %d inferred, %d dropped; latency max %d ms"
                    + " (seconds 3-6: %d ms, last 3 s: %d ms); hand-off never above %d%n",
                    grabbed, inferred, state.dropped(), maxAll, maxEarly, maxLate, state.queueHighWater());
            assertThat(maxAll).isLessThan(3000);
            assertThat(maxLate).isLessThan(maxEarly + 600);
        } finally {
            registry.stop();
        }
    }
}
