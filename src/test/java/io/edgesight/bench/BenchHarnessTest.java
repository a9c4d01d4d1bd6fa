package io.edgesight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.cli.EdgesightCli;
import io.edgesight.sample.SampleVideo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness as a user runs it, in short: {@code bench pipeline --quick} on the real routes and the sample model
 * (one batch size, one timeout, two cameras) and a 15-second {@code bench soak} of the leaking variant. What is
 * checked is what a user reads from the results: the JSON has every part's fields with plausible values, every frame
 * of a bounded run arrived, both cameras were served, the PNGs are images. No speed is asserted.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class BenchHarnessTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path VIDEO = Path.of("target/test-video/shapes.mp4");

    /** The repository's configuration with the camera on the tests' sample video (not the one under samples/). */
    static Path config(Path dir) throws Exception {
        SampleVideo.ensure(VIDEO);
        Path c = dir.resolve("application.properties");
        Files.writeString(c, Files.readString(Path.of("config/application.properties"))
                + "\nedgesight.cameras.sample.url = " + VIDEO + "\nedgesight.sample.video = " + VIDEO + "\n");
        return c;
    }

    @Test
    void pipelineQuickWritesTablesJsonAndPlots(@TempDir Path out) throws Exception {
        int exit = EdgesightCli.execute("bench", "pipeline", "--config", config(out).toString(), "--quick", "--verbose",
                "--only", "throughput,latency,scale",
                "--models", "sample", "--batch", "4", "--timeouts", "200", "--cameras", "2", "--out", out.toString());
        assertThat(exit).isZero();
        JsonNode doc = JSON.readTree(out.resolve("pipeline.json").toFile());
        assertThat(doc.get("loadAverage").get("start").asText()).matches("[0-9.]+ [0-9.]+ [0-9.]+");
        assertThat(doc.get("loadAverage").get("end").asText()).matches("[0-9.]+ [0-9.]+ [0-9.]+");
        assertThat(doc.get("machine").get("cores").asInt()).isPositive();

        JsonNode t = doc.get("throughput");
        assertThat(t).hasSize(1);
        assertThat(t.get(0).get("model").asText()).isEqualTo("sample");
        assertThat(t.get(0).get("batch").asInt()).isEqualTo(4);
        assertThat(t.get(0).get("engineImagesPerSecond").asDouble()).isPositive();
        assertThat(t.get(0).get("pipelineFrames").asLong()).as("every frame of the bounded run is published").isEqualTo(200);
        assertThat(t.get(0).get("pipelineFramesPerSecond").asDouble()).isPositive();
        assertThat(t.get(0).get("ratio").asDouble()).isPositive();
        assertThat(t.get(0).get("threads").asInt()).isEqualTo(2); // config/application.properties: the same for both
        assertThat(t.get(0).get("pipelineCpuMsPerFrame").asDouble()).isPositive();
        assertThat(t.get(0).get("engineCpuMsPerImage").asDouble()).isPositive();
        assertThat(t.get(0).get("cpuOutsideModelMsPerFrame").asDouble())
                .isEqualTo(t.get(0).get("pipelineCpuMsPerFrame").asDouble() - t.get(0).get("engineCpuMsPerImage").asDouble(),
                        org.assertj.core.data.Offset.offset(0.002));

        JsonNode l = doc.get("latency");
        assertThat(l).hasSize(1);
        assertThat(l.get(0).get("batch").asInt()).isEqualTo(4);
        assertThat(l.get(0).get("timeoutMs").asLong()).isEqualTo(200);
        assertThat(l.get(0).get("predictions").asInt()).as("a 25 fps source for 4 s").isPositive();
        assertThat(l.get(0).get("meanBatchFill").asDouble()).isBetween(1.0, 4.0);
        assertThat(l.get(0).get("p50Ms").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(l.get(0).get("p99Ms").asDouble()).isGreaterThanOrEqualTo(l.get(0).get("p50Ms").asDouble());

        JsonNode s = doc.get("scale");
        assertThat(s).hasSize(1);
        assertThat(s.get(0).get("cameras").asInt()).isEqualTo(2);
        List<String> ids = new ArrayList<>();
        s.get(0).get("perCamera").fieldNames().forEachRemaining(ids::add);
        assertThat(ids).containsExactly("sample", "cam2");
        s.get(0).get("perCamera").forEach(v -> assertThat(v.asDouble()).as("each camera is served").isPositive());
        assertThat(s.get(0).get("jainIndex").asDouble()).isBetween(0.5, 1.0);
        assertThat(s.get(0).get("cpuPercent").asDouble()).isPositive();

        String md = Files.readString(out.resolve("pipeline.md"));
        assertThat(md).contains("| model ", "| batch ", "| cameras ", "|---");
        for (String png : List.of("throughput-vs-batch.png", "latency-vs-timeout.png", "throughput-vs-latency.png", "throughput-vs-cameras.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(400);
        }
    }

    /**
     * The motion part on its real-footage scene (photograph, vtest.avi, photograph; --quick: 15 + 10 + 10 s): the gated
     * run infers few still frames and reproduces the ungated run's predictions in the moving part; both detectors ran.
     */
    @Test
    void motionQuickComparesGatedWithUngatedOnRealFootage(@TempDir Path out) throws Exception {
        io.edgesight.testing.MotionFootage.vtest();
        io.edgesight.testing.DetectorSample.photos();
        int exit = EdgesightCli.execute("bench", "pipeline", "--config", config(out).toString(), "--quick", "--only", "motion",
                "--out", out.toString());
        assertThat(exit).isZero();
        JsonNode doc = JSON.readTree(out.resolve("pipeline.json").toFile());
        assertThat(doc.get("failures")).isNull();
        JsonNode runs = doc.get("motion").get("runs");
        assertThat(runs).hasSize(2);
        JsonNode off = runs.get(0);
        JsonNode on = runs.get(1);
        assertThat(off.get("mode").asText()).isEqualTo("off");
        assertThat(off.get("inferred").asLong()).as("ungated: every frame").isEqualTo(off.get("frames").asLong());
        assertThat(on.get("mode").asText()).isEqualTo("on");
        assertThat(on.get("stillInferredShare").asDouble()).isLessThanOrEqualTo(0.10);
        assertThat(on.get("movingRecall").asDouble()).isGreaterThanOrEqualTo(0.95);
        assertThat(on.get("skippedNoMotion").asLong()).isEqualTo(on.get("frames").asLong() - on.get("inferred").asLong());
        assertThat(on.get("cpuSeconds").asDouble()).isPositive();
        assertThat(doc.get("motion").get("detectors")).hasSize(2);
        assertThat(Files.readString(out.resolve("pipeline.md"))).contains("| motion ", "| detector ");
        assertThat(out.resolve("generated/motion-scene.mp4")).isRegularFile();
    }

    @Test
    void soakOfTheLeakingVariantSamplesEverythingAndCountsTheLeak(@TempDir Path out) throws Exception {
        int exit = EdgesightCli.execute("bench", "soak", "--config", config(out).toString(), "--verbose", "--minutes", "0.25", "--interval-seconds", "1",
                "--leak", "tensors", "--out", out.toString());
        assertThat(exit).as("0: the leak was caught, 1: it was not; both are results, not failures").isIn(0, 1);
        JsonNode doc = JSON.readTree(out.resolve("soak-leak.json").toFile());
        assertThat(doc.get("samples").size()).isGreaterThanOrEqualTo(10);
        JsonNode last = doc.get("samples").get(doc.get("samples").size() - 1);
        assertThat(last.get("rssBytes").asLong()).isGreaterThan(50L << 20);
        assertThat(last.get("heapBytes").asLong()).isPositive();
        assertThat(last.get("threads").asInt()).isPositive();
        assertThat(last.get("fds").asLong()).isPositive();
        assertThat(last.get("published").asLong()).isPositive();
        assertThat(doc.get("leakedTensors").asInt()).as("one tensor per batch").isPositive();
        assertThat(doc.get("leakedBytes").asLong()).isEqualTo(doc.get("leakedTensors").asLong() * 64 * 64 * 3 * 4);
        assertThat(doc.get("verdict").asText()).isIn("flat", "GROWING");
        assertThat(doc.get("counts").get("lastSample").get("threads").asInt()).isPositive();
        assertThat(LeakyTensors.leakedTensors()).as("released after the run").isZero();
        BufferedImage img = ImageIO.read(out.resolve("soak-leak-rss.png").toFile());
        assertThat(img).isNotNull();
    }

    @Test
    void anUnknownPartIsOneClearLine() throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = EdgesightCli.execute("bench", "pipeline", "--only", "throughput,speed");
        } finally {
            System.setErr(old);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("edgesight: --only: unknown part 'speed'; choose from throughput,latency,scale,startup,motion");
    }
}
