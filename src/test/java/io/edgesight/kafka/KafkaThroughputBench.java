package io.edgesight.kafka;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.config.Settings;
import io.edgesight.predict.Box;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import io.edgesight.sink.kafka.KafkaBufferComponent;
import io.edgesight.sink.kafka.KafkaOutput;
import io.edgesight.sink.mqtt.OutboundBuffer;
import io.edgesight.testing.KafkaCluster;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.Test;

/**
 * The throughput of the Kafka output (docs/BENCHMARKS.md): how many COCO-detector payloads per second one node
 * publishes through kafka-buffer and camel-kafka (the producer settings of edgesight.kafka.*, acks=all,
 * idempotence) to the 3-broker test cluster (replication factor 3, min.insync.replicas=2), and the CPU time this
 * JVM spends per record. Not part of the test suite (the name does not end in Test): run it with
 * {@code mvn -o test -Dtest=KafkaThroughputBench -Dbench.records=50000}.
 */
class KafkaThroughputBench {
    static final ObjectMapper JSON = new ObjectMapper();

    record Det(String label, int classId, double score, Box box) implements PredictionItem {}

    /** A COCO detector payload: 12 objects with boxes, the sizes and precision the detection decoder writes. */
    static byte[] detectorPayload(String camera, long seq) throws Exception {
        String[] labels = {"person", "car", "bicycle", "dog", "traffic light", "bus"};
        List<Det> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            items.add(new Det(labels[i % labels.length], i % 80, 0.91 - i * 0.05, new Box(12.5 + 31 * i, 40.25 + 7 * i, 96.0 + 33 * i, 210.75 + 9 * i)));
        }
        Prediction p = new Prediction(1, "node-1", camera, seq, "2026-12-07T23:00:00.040Z", "2026-12-07T23:00:00.107Z", "detector",
                new Prediction.EngineInfo("detector-b1-FP32-8f3a2c1d9e0b", "tensorflow", "FP32"), new Prediction.FrameSize(1280, 720),
                items, null, new Prediction.BatchInfo(1, 1), new Prediction.Timings(3.1, 0.02, 0.3, 48.6, 0.4, 53.9));
        return JSON.writeValueAsBytes(p);
    }

    @Test
    void publish() throws Exception {
        int records = Integer.getInteger("bench.records", 30_000);
        int cameras = 12;
        try (KafkaCluster cluster = KafkaCluster.start(Path.of("target/kafka-bench/" + System.nanoTime()), 3)) {
            cluster.createTopic("bench.predictions", 6);
            Map<String, String> keys = new HashMap<>();
            keys.put("edgesight.kafka.enabled", "true");
            keys.put("edgesight.kafka.brokers", cluster.bootstrap());
            Map<String, String> options = KafkaOutput.componentOptions(new Settings(keys::get), "node-1");
            try (CamelContext ctx = new DefaultCamelContext()) {
                KafkaComponent kafka = ctx.getComponent("kafka", KafkaComponent.class);
                KafkaBufferComponent buffer = ctx.getComponent("kafka-buffer", KafkaBufferComponent.class);
                buffer.setSize(20_000);
                buffer.setPublish(true);
                options.forEach((k, v) -> {
                    if (k.startsWith("camel.component.kafka.")) {
                        PropertyBindingSupport.build().withCamelContext(ctx).withTarget(kafka)
                                .withProperty(k.substring("camel.component.kafka.".length()), v).bind();
                    }
                });
                ctx.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("kafka-buffer:records?window=500").errorHandler(noErrorHandler()).to("kafka:bench.predictions");
                    }
                });
                ctx.start();
                byte[][] payloads = new byte[cameras][];
                for (int c = 0; c < cameras; c++) payloads[c] = detectorPayload("cam-" + c, 1234);
                System.out.printf("payload: COCO detector, 12 objects, %d bytes of JSON%n", payloads[0].length);
                ProducerTemplate template = ctx.createProducerTemplate();
                OutboundBuffer b = KafkaBufferComponent.buffers(ctx).get("records");
                // warm-up (JIT, metadata, producer id), then the measured run
                for (String phase : List.of("warm-up", "measured")) {
                    int n = phase.equals("warm-up") ? Math.min(3000, records) : records;
                    long delivered0 = b == null ? 0 : b.delivered();
                    com.sun.management.OperatingSystemMXBean os =
                            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                    long cpu0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        int c = i % cameras;
                        Map<String, Object> h = new HashMap<>();
                        h.put(KafkaConstants.KEY, "node-1/cam-" + c);
                        h.put("camera", "cam-" + c);
                        h.put("model", "detector");
                        h.put("node", "node-1");
                        h.put("schema", "1");
                        template.sendBodyAndHeaders("kafka-buffer:records", payloads[c], h);
                        if (b == null) b = KafkaBufferComponent.buffers(ctx).get("records");
                        while (b.depth() > 10_000) Thread.onSpinWait(); // never drop: measure delivery, not the bound
                    }
                    OutboundBuffer fb = b;
                    long deadline = System.nanoTime() + 300_000_000_000L;
                    while (fb.delivered() - delivered0 < n) {
                        if (fb.dropped() > 0) throw new IllegalStateException("dropped " + fb.dropped());
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("delivered " + (fb.delivered() - delivered0) + " of " + n + ", depth " + fb.depth());
                        }
                        Thread.sleep(5);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
                    System.out.printf("%s: %d records in %.2f s = %.0f records/s; CPU of this JVM %.0f ms = %.1f us per record "
                                    + "(%.2f%% of one core at 25 frames/s)%n", phase, n, seconds, n / seconds, cpuMs,
                            cpuMs * 1000 / n, cpuMs / n * 25 / 10);
                }
            }
        }
    }
}
