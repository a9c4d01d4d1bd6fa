package io.edgesight.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a downstream consumer of the cluster sees: every record of one topic from the beginning (all partitions
 * assigned, no group), read on a background thread, as key, partition, offset, headers and JSON value.
 */
public final class KafkaRecords implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    public record Received(String key, int partition, long offset, Map<String, String> headers, String value, long arrivalMillis) {
        public JsonNode json() {
            try {
                return JSON.readTree(value);
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + value, e);
            }
        }
    }

    private final List<Received> records = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    public KafkaRecords(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        thread = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
                List<TopicPartition> parts = new ArrayList<>();
                while (running && parts.isEmpty()) {
                    try {
                        c.partitionsFor(topic, Duration.ofSeconds(5)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
                    } catch (Exception e) {
                        Thread.sleep(500); // cluster not reachable yet
                    }
                }
                c.assign(parts);
                c.seekToBeginning(parts);
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                        Map<String, String> h = new HashMap<>();
                        for (Header x : r.headers()) h.put(x.key(), x.value() == null ? null : new String(x.value(), StandardCharsets.UTF_8));
                        synchronized (records) {
                            records.add(new Received(r.key(), r.partition(), r.offset(), h, new String(r.value(), StandardCharsets.UTF_8), System.currentTimeMillis()));
                        }
                    }
                }
            } catch (Exception e) {
                if (running) failure = e;
            }
        }, "kafka-records-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** Everything received so far, in arrival order (per partition: offset order). */
    public List<Received> records() {
        if (failure != null) throw new IllegalStateException("the test consumer failed", failure);
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    public int size() { return records().size(); }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
