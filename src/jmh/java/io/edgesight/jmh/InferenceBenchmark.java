package io.edgesight.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.edgesight.config.Settings;
import io.edgesight.tooling.ResNetGenerator;
import io.edgesight.engine.BatchMemory;
import io.edgesight.engine.Engine;
import io.edgesight.engine.Engines;
import io.edgesight.engine.ModelSpec;
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
 * One engine run (TensorFlow Java, 2 intra-op threads, as the pipeline runs it) on a batch of zeros, for the
 * overhead shares: {@link Shares} divides the score by the batch size to get the inference time per frame.
 * {@code model} sample = samples/models/shapes; resnet50 = models/resnet50 (written on first use, ~10 s); detector =
 * samples/detector/model, the COCO detector, batch 1 only (not in the default list: {@code -p model=detector -p batch=1}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InferenceBenchmark {

    @Param({"sample", "resnet50"})
    public String model;

    @Param({"1", "4"})
    public int batch;

    private Engine engine;
    private BatchMemory memory;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Map<String, String> v = new HashMap<>();
        String p = ModelSpec.PREFIX + model + ".";
        if (model.equals("sample")) {
            v.put(p + "path", "samples/models/shapes");
            v.put(p + "normalize", "unit");
        } else if (model.equals("detector")) {
            // the COCO detector (samples/detector/fetch.sh; fixed batch 1): -p model=detector -p batch=1
            v.put(p + "path", "samples/detector/model");
            v.put(p + "normalize", "raw");
        } else {
            Path dir = Path.of("models/resnet50");
            if (!Files.isDirectory(dir)) ResNetGenerator.writeSavedModel(ResNetGenerator.Config.resnet50(), 42, 0, dir);
            v.put(p + "path", dir.toString());
            v.put(p + "normalize", "unit");
        }
        v.put(p + "batch-size", Integer.toString(batch));
        v.put(p + "threads", "2");
        engine = Engines.load(ModelSpec.from(model, new Settings(v::get)));
        memory = engine.allocateBatch(batch);
        engine.warmUp();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        memory.close();
        engine.close();
    }

    @Benchmark
    public float[][] run() {
        return engine.run(memory, batch);
    }
}
