package io.edgesight.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.engine.InferredFrame;
import io.edgesight.predict.ClassificationDecoder;
import io.edgesight.predict.Decoder;
import io.edgesight.predict.Labels;
import io.edgesight.predict.Prediction;
import io.edgesight.preprocess.PreparedFrame;
import io.edgesight.preprocess.ResizeTransform;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The output side of one frame: the classification decoder on one output row, the payload ({@link Prediction#of},
 * as predict: builds it), its JSON (Jackson, as the routes' {@code marshal: json}), the MQTT QoS 1 publish to the
 * embedded broker (Paho MQTT 5, synchronous, as camel-paho-mqtt5 on the mqtt-out thread) and the JSON line appended
 * to the camera's file (open, append, close, as the file producer with fileExist=Append does per message).
 * {@code classes} 4 = the sample model's labels, 1000 = ResNet-50's output row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutputBenchmark {

    @Param({"4", "1000"})
    public int classes;

    private final ObjectMapper json = new ObjectMapper();
    private ClassificationDecoder decoder;
    private InferredFrame frame;
    private Prediction.EngineInfo engine;
    private byte[] payload;
    private EmbeddedMqttBroker broker;
    private MqttClient client;
    private Path dir;
    private Path jsonl;
    private long seq;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Labels labels;
        if (classes == 4) {
            labels = Labels.load(Path.of("samples/models/shapes/labels.txt"), "labels");
        } else {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < classes; i++) names.add("class_" + i);
            labels = Labels.of(names);
        }
        decoder = new ClassificationDecoder(labels, 3, 0.0, "auto");
        // a softmax row, as both models end in a softmax
        Random rnd = new Random(1);
        float[] row = new float[classes];
        double sum = 0;
        for (int i = 0; i < classes; i++) sum += row[i] = (float) Math.exp(rnd.nextGaussian() * 2);
        for (int i = 0; i < classes; i++) row[i] /= (float) sum;
        PreparedFrame f = new PreparedFrame("cam", 1, System.currentTimeMillis(), System.nanoTime(), null,
                new ResizeTransform(1280, 720, 0.05, 0.089, 0, 0, 0, 0), 1_500_000);
        frame = new InferredFrame("m", f, row, 4, 4, 1_000_000, 200_000, 50_000_000, System.currentTimeMillis());
        engine = new Prediction.EngineInfo("m-b4-FP32-0123456789ab", "tensorflow", "FP32");
        payload = json();

        broker = EmbeddedMqttBroker.start("127.0.0.1", 0, null, null);
        client = new MqttClient(broker.url(), "edgesight-jmh", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        client.connect(o);
        dir = Files.createTempDirectory("edgesight-jmh");
        jsonl = dir.resolve("cam.jsonl");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.disconnect();
        client.close();
        broker.close();
        Files.deleteIfExists(jsonl);
        Files.delete(dir);
    }

    /** Decoder + payload record + JSON bytes. */
    @Benchmark
    public byte[] json() throws Exception {
        long t0 = System.nanoTime();
        Decoder.Decoded d = decoder.decode(frame);
        return json.writeValueAsBytes(Prediction.of("bench", frame, d, engine, System.nanoTime() - t0));
    }

    /** One QoS 1 publish of the payload, waiting for the broker's PUBACK. */
    @Benchmark
    public long publish() throws Exception {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        client.publish("edgesight/cam/predictions", m);
        return ++seq;
    }

    /** The payload as one line appended to the camera's JSON lines file. */
    @Benchmark
    public long appendLine() throws Exception {
        byte[] line = new byte[payload.length + 1];
        System.arraycopy(payload, 0, line, 0, payload.length);
        line[payload.length] = '\n';
        Files.write(jsonl, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (++seq % 10_000 == 0) Files.delete(jsonl); // stays small, like the rotated file
        return seq;
    }

    /** Everything after inference for one frame: decode + JSON + publish + JSON line. */
    @Benchmark
    public long all() throws Exception {
        payload = json();
        publish();
        return appendLine();
    }
}
