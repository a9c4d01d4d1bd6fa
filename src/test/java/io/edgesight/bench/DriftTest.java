package io.edgesight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The soak's verdict: flat series pass, growing ones are named, transient peaks and one late thread are not leaks. */
class DriftTest {
    static final int N = 120; // 10 minutes at one sample every 5 s

    static double[] times() {
        double[] t = new double[N];
        for (int i = 0; i < N; i++) t[i] = i * 5;
        return t;
    }

    /** ~600 MB with ±2 % noise and, every 15th sample, an allocator peak of +15 %. */
    static double[] flatWithPeaks(long seed) {
        Random r = new Random(seed);
        double[] v = new double[N];
        for (int i = 0; i < N; i++) v[i] = 600e6 * (1 + 0.02 * (2 * r.nextDouble() - 1)) * (i % 15 == 7 ? 1.15 : 1);
        return v;
    }

    /** The same, growing by 10 % of its start over the run. */
    static double[] growing(long seed, double growth) {
        double[] v = flatWithPeaks(seed);
        for (int i = 0; i < N; i++) v[i] *= 1 + growth * i / (N - 1);
        return v;
    }

    @Test
    void aFlatSeriesWithTransientPeaksIsFlat() {
        for (long seed = 1; seed <= 20; seed++) {
            Drift d = Drift.of("RSS", times(), flatWithPeaks(seed), 0.2, 0.05);
            assertThat(d.flat()).as("seed %d: %s", seed, d).isTrue();
            assertThat(d.growing()).isFalse();
            assertThat(d.verdict()).startsWith("flat within ±5 %");
            assertThat(d.peakDeviation()).as("the peaks are seen, and only reported").isGreaterThan(0.10);
        }
    }

    @Test
    void aSeriesGrowingTenPercentIsGrowing() {
        for (long seed = 1; seed <= 20; seed++) {
            Drift d = Drift.of("RSS", times(), growing(seed, 0.10), 0.2, 0.05);
            assertThat(d.growing()).as("seed %d: %s", seed, d).isTrue();
            assertThat(d.flat()).isFalse();
            assertThat(d.trend()).isBetween(0.06, 0.10); // ~8 % of the start over the 80 % after warm-up, over the median
            assertThat(d.verdict()).startsWith("GROWING: RSS +");
        }
    }

    @Test
    void growthDuringTheWarmUpOnlyIsNotALeak() {
        double[] v = flatWithPeaks(3);
        for (int i = 0; i < N / 5; i++) v[i] *= 0.5 + 0.5 * i / (N / 5.0); // filling caches, JIT
        assertThat(Drift.of("RSS", times(), v, 0.2, 0.05).flat()).isTrue();
    }

    @Test
    void aLevelShiftWithoutTrendIsNotFlatButNotGrowingEither() {
        double[] v = flatWithPeaks(4);
        for (int i = N * 2 / 5; i < N * 3 / 4; i++) v[i] *= 0.85; // a long stretch 15 % lower, then back
        Drift d = Drift.of("RSS", times(), v, 0.2, 0.05);
        assertThat(d.growing()).isFalse();
        assertThat(d.flat()).isFalse();
        assertThat(d.verdict()).startsWith("NOT FLAT");
    }

    @Test
    void countsGrowOnlyWhenTheyStepUpAndStayUp() {
        long[] oneLateThread = new long[N];
        long[] fdLeak = new long[N];
        long[] jitter = new long[N];
        for (int i = 0; i < N; i++) {
            oneLateThread[i] = i < N / 2 ? 38 : 39;
            fdLeak[i] = 35 + i / 10; // one descriptor every 50 s
            jitter[i] = 40 + (i % 3);
        }
        assertThat(Drift.countGrows(oneLateThread, 0.2)).isFalse();
        assertThat(Drift.countGrows(jitter, 0.2)).isFalse();
        assertThat(Drift.countGrows(fdLeak, 0.2)).isTrue();
    }

    @Test
    void theSoakVerdictNamesWhatGrows() {
        List<Soak.Sample> flat = new ArrayList<>();
        List<Soak.Sample> leaking = new ArrayList<>();
        double[] rss = flatWithPeaks(5);
        double[] leak = growing(5, 0.30);
        for (int i = 0; i < N; i++) {
            flat.add(new Soak.Sample(i * 5, (long) rss[i], 25_000_000, 38, 35, 0, i * 1000L, 200));
            leaking.add(new Soak.Sample(i * 5, (long) leak[i], 25_000_000, 38, 35, 0, i * 1000L, 200));
        }
        Soak.Verdict ok = Soak.verdict(flat);
        assertThat(ok.growing()).isFalse();
        assertThat(ok.lines()).last().asString().startsWith("VERDICT: flat within ±5 %");
        Soak.Verdict bad = Soak.verdict(leaking);
        assertThat(bad.growing()).isTrue();
        assertThat(bad.lines()).anyMatch(l -> l.startsWith("memory: GROWING: RSS +"));
        assertThat(bad.lines()).contains("VERDICT: GROWING");
    }

    @Test
    void theLeakStepGoesRightAfterTheEngineInACopyOfThePipeline() throws Exception {
        String pipeline = "      steps:\n        - to: \"infer:{{model}}\"\n        - split:\n";
        String leaky = BenchRoutes.withLeak(pipeline);
        assertThat(leaky).isEqualTo("      steps:\n        - to: \"infer:{{model}}\"\n        - bean:\n            ref: leakyTensors\n"
                + "            method: \"leak(*, '{{model}}')\"\n        - split:\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchRoutes.withLeak("- to: infer:other\n"))
                .hasMessageContaining("infer:{{model}}");
        // the jar's own pipeline has the step
        assertThat(BenchRoutes.withLeak(new String(java.nio.file.Files.readAllBytes(
                java.nio.file.Path.of("src/main/resources/edgesight/routes/pipeline.yaml")), java.nio.charset.StandardCharsets.UTF_8)))
                .contains("ref: leakyTensors");
    }
}
