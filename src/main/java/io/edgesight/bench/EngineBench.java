package io.edgesight.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import io.edgesight.engine.BatchMemory;
import io.edgesight.engine.Engine;
import io.edgesight.engine.Engines;
import io.edgesight.engine.ModelSpec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The seed's benchmark, for any SavedModel or ONNX model: for each batch size, warm-up runs, then timed runs with
 * the step latency printed every 50 steps, throughput in images/s and p50/p99 latency. The bare engine, no camera
 * and no Camel: the reference the pipeline is measured against. Several models (e.g. the same network as a
 * SavedModel and as ONNX) are measured batch size by batch size, one after the other, so that they share the
 * machine's conditions.
 */
public final class EngineBench {

    /** {@code cpuMsPerImage}: process CPU time over the timed runs per image (NaN where models were interleaved). */
    public record Result(String model, String runtime, int batch, int threads, int runs, double imagesPerSecond, Stats latency,
                         double cpuMsPerImage) {}

    private EngineBench() {}

    public static List<Result> run(ModelSpec base, int[] batches, int warmup, int runs, PrintStream out) {
        return run(List.of(base), batches, warmup, runs, out);
    }

    public static List<Result> run(List<ModelSpec> bases, int[] batches, int warmup, int runs, PrintStream out) {
        return run(bases, batches, warmup, runs, out, Engines::load);
    }

    /** As {@link #run(List, int[], int, int, PrintStream)}, with engines from {@code loader} (e.g. the engine cache). */
    public static List<Result> run(List<ModelSpec> bases, int[] batches, int warmup, int runs, PrintStream out,
                                   Function<ModelSpec, Engine> loader) {
        List<Result> results = new ArrayList<>();
        for (int b : batches) {
            if (bases.size() == 1) {
                results.add(one(bases.get(0).withBatchSize(b), warmup, runs, out, loader));
            } else {
                results.addAll(interleaved(bases, b, warmup, runs, out, loader));
            }
        }
        return results;
    }

    /**
     * Several models at one batch size, run by run in turn (A, B, A, B, ...): on a machine shared with other work,
     * every model sees the same load, so their ratio holds even when the absolute numbers move. Throughput is
     * images over the summed run time of that model.
     */
    private static List<Result> interleaved(List<ModelSpec> bases, int b, int warmup, int runs, PrintStream out,
                                            Function<ModelSpec, Engine> loader) {
        List<Engine> engines = new ArrayList<>();
        List<BatchMemory> inputs = new ArrayList<>();
        try {
            for (ModelSpec base : bases) {
                ModelSpec spec = base.withBatchSize(b);
                Engine engine = loader.apply(spec);
                engines.add(engine);
                BatchMemory input = engine.allocateBatch(b);
                inputs.add(input);
                boolean floats = engine.writer().rowBytes() == 4L * engine.height() * engine.width() * engine.channels();
                fillRandom(input.address(), engine.writer().rowBytes() * b, floats, engine.normalization().preset().name().equals("raw"));
                out.printf("%s batch %d on %s: input %s, %d threads%n", spec.id(), b, engine.runtime(), engine, spec.threads());
            }
            int n = engines.size();
            for (int i = 0; i < warmup; i++) {
                for (int k = 0; k < n; k++) engines.get(k).run(inputs.get(k), b);
                Progress.bar(out, "warm-up (interleaved)", i + 1, warmup);
            }
            long[][] lat = new long[n][runs];
            for (int i = 0; i < runs; i++) {
                for (int k = 0; k < n; k++) {
                    long s = System.nanoTime();
                    engines.get(k).run(inputs.get(k), b);
                    lat[k][i] = System.nanoTime() - s;
                }
                Progress.bar(out, "timed (interleaved)", i + 1, runs);
            }
            Progress.clear(out);
            List<Result> results = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                long total = 0;
                for (long l : lat[k]) total += l;
                Engine e = engines.get(k);
                Result r = new Result(e.spec().id(), e.runtime(), b, e.spec().threads(), runs, (double) runs * b / (total / 1e9),
                        Stats.of(lat[k]), Double.NaN);
                out.printf("  %s batch %d: %.1f images/s, p50 %.1f ms, p99 %.1f ms%n", r.model(), b, r.imagesPerSecond(),
                        r.latency().p50(), r.latency().p99());
                results.add(r);
            }
            return results;
        } finally {
            inputs.forEach(BatchMemory::close);
            engines.forEach(Engine::close);
        }
    }

    private static Result one(ModelSpec spec, int warmup, int runs, PrintStream out, Function<ModelSpec, Engine> loader) {
        int b = spec.batchSize();
        try (Engine engine = loader.apply(spec); BatchMemory input = engine.allocateBatch(b)) {
            long bytes = engine.writer().rowBytes() * b;
            boolean floats = engine.writer().rowBytes() == 4L * engine.height() * engine.width() * engine.channels();
            fillRandom(input.address(), bytes, floats, engine.normalization().preset().name().equals("raw"));
            out.printf("%s batch %d on %s: input %s, %d threads%n", spec.id(), b, engine.runtime(), engine, spec.threads());
            for (int i = 0; i < warmup; i++) {
                engine.run(input, b);
                Progress.bar(out, "warm-up", i + 1, warmup);
            }
            long[] lat = new long[runs];
            long cpu0 = ProcessProbe.cpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                engine.run(input, b);
                lat[i] = System.nanoTime() - s;
                if (i % 50 == 0) {
                    double recent = 0;
                    int from = Math.max(0, i - 49);
                    for (int k = from; k <= i; k++) recent += lat[k];
                    Progress.clear(out);
                    out.printf("  step %d: %.1f ms%n", i, recent / (i - from + 1) / 1e6);
                }
                Progress.bar(out, "timed", i + 1, runs);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuMs = (ProcessProbe.cpuNanos() - cpu0) / 1e6;
            Result r = new Result(spec.id(), engine.runtime(), b, spec.threads(), runs, (double) runs * b / seconds, Stats.of(lat),
                    cpuMs / ((double) runs * b));
            Progress.clear(out);
            out.printf("  throughput: %.1f images/s, p50 %.1f ms, p99 %.1f ms%n", r.imagesPerSecond(),
                    r.latency().p50(), r.latency().p99());
            return r;
        }
    }

    /** Fixed-seed random pixels in the model's input range, written straight into the batch memory. */
    private static void fillRandom(long address, long bytes, boolean floats, boolean raw) {
        SplittableRandom rnd = new SplittableRandom(42);
        if (!floats) {
            byte[] data = new byte[(int) bytes];
            for (int i = 0; i < data.length; i++) data[i] = (byte) rnd.nextInt(256);
            try (BytePointer p = new BytePointer(data)) {
                Pointer.memcpy(at(address), p, bytes);
            }
        } else {
            float[] data = new float[(int) (bytes / 4)];
            for (int i = 0; i < data.length; i++) data[i] = raw ? rnd.nextInt(256) : (float) rnd.nextDouble();
            try (FloatPointer p = new FloatPointer(data)) {
                Pointer.memcpy(at(address), p, bytes);
            }
        }
    }

    private static Pointer at(long addr) {
        return new Pointer() { { this.address = addr; } };
    }
}
