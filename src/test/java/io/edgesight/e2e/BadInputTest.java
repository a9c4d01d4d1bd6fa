package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.edgesight.sample.SampleVideo;
import io.edgesight.sample.SampleVideoGenerator;
import io.edgesight.onnx.ColourClassifier;
import io.edgesight.testing.OnnxTestModels;
import io.edgesight.testing.Ports;
import io.edgesight.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of bad input, run as a user runs edgesight (a separate JVM): one clear line naming the bad
 * thing, a non-zero exit, and no stack trace.
 */
class BadInputTest {

    @BeforeAll
    static void sampleVideo() {
        SampleVideo.ensure(EndToEndTest.VIDEO);
    }

    record Outcome(int exit, String output) {}

    static Outcome edgesight(Path routes, Path config, String... sets) throws Exception {
        int http = Ports.free(); // API and management share one port, as in the shipped config: never 8080 in tests
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.edgesight.cli.EdgesightCli", "run",
                "--config", config.toString(), "--routes", routes.toString(), "--duration", "60",
                "--set", "edgesight.sample.video=" + EndToEndTest.VIDEO,
                "--set", "edgesight.cameras.sample.url=" + EndToEndTest.VIDEO,
                "--set", "edgesight.mqtt.embedded.port=" + Ports.free(),
                "--set", "camel.server.port=" + http,
                "--set", "camel.management.port=" + http,
                "--set", "edgesight.engine.dir=target/test-engines"));
        for (String s : sets) {
            cmd.add("--set");
            cmd.add(s);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Outcome edgesight(String... sets) throws Exception {
        return edgesight(Path.of("routes"), Path.of("config/application.properties"), sets);
    }

    static void assertOneClearError(Outcome o, String expected) {
        assertThat(o.exit()).as(o.output()).isNotZero();
        List<String> errorLines = o.output().lines().filter(l -> l.startsWith("edgesight: ")).toList();
        assertThat(errorLines).as(o.output()).hasSize(1);
        assertThat(errorLines.get(0)).contains(expected);
        assertThat(o.output()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception:");
    }

    /** One clear line and the user-error exit code 2 of the command line. */
    static void assertOneUserError(Outcome o, String expected) {
        assertOneClearError(o, expected);
        assertThat(o.exit()).as(o.output()).isEqualTo(io.edgesight.cli.EdgesightCli.USER_ERROR);
    }

    @Test
    void missingModelDirectory() throws Exception {
        assertOneClearError(edgesight("edgesight.models.sample.path=/nonexistent/model"),
                "model 'sample': SavedModel directory /nonexistent/model does not exist");
    }

    @Test
    void modelWithoutAnImageInput(@TempDir Path tmp) throws Exception {
        Path m = TestModels.vectorModel(tmp.resolve("vector"));
        assertOneClearError(edgesight("edgesight.models.sample.path=" + m), "not an image tensor");
    }

    @Test
    void batchSizeTheModelCannotTake(@TempDir Path tmp) throws Exception {
        Path m = TestModels.channelMean(tmp.resolve("fixed"), 4, 64, 64);
        assertOneClearError(edgesight("edgesight.models.sample.path=" + m, "edgesight.models.sample.batch-size=2"),
                "takes batches of exactly 4 but edgesight.models.sample.batch-size is 2");
    }

    @Test
    void batchSizeZero() throws Exception {
        assertOneClearError(edgesight("edgesight.models.sample.batch-size=0"),
                "edgesight.models.sample.batch-size must be between 1 and 1024, got 0");
    }

    @Test
    void tensorRtRequiredOnThisMachine() throws Exception {
        assertOneClearError(edgesight("edgesight.engine.tensorrt=required"),
                "edgesight.engine.tensorrt=required, but the TensorFlow Java 1.1.0 native library in this jar");
    }

    @Test
    void unknownPrecision() throws Exception {
        assertOneClearError(edgesight("edgesight.models.sample.precision=FP8"), "unknown precision 'FP8'");
    }

    @Test
    void modelPathThatIsNotASavedModel(@TempDir Path tmp) throws Exception {
        assertOneClearError(edgesight("edgesight.models.sample.path=" + tmp), "is not a SavedModel (no saved_model.pb)");
    }

    @Test
    void corruptOnnxModel(@TempDir Path tmp) throws Exception {
        Path m = ColourClassifier.write(tmp.resolve("m.onnx"));
        byte[] bytes = Files.readAllBytes(m);
        Files.write(m, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // a download cut short
        assertOneUserError(edgesight("edgesight.models.sample.path=" + m),
                "model 'sample': " + m + " is not a valid ONNX model (ONNX Runtime cannot parse it");
    }

    @Test
    void onnxModelWithoutAnImageInput(@TempDir Path tmp) throws Exception {
        Path m = OnnxTestModels.vectorModel(tmp.resolve("vector.onnx"));
        assertOneUserError(edgesight("edgesight.models.sample.path=" + m),
                "model 'sample' input 'features' is float32 [?, 10], not an image tensor");
    }

    @Test
    void onnxModelWithAnOpsetTheRuntimeCannotRun(@TempDir Path tmp) throws Exception {
        Path m = ColourClassifier.write(tmp.resolve("future.onnx"), 99);
        assertOneUserError(edgesight("edgesight.models.sample.path=" + m),
                "uses opset 99 of domain ai.onnx, but ONNX Runtime 1.20.0 runs opsets up to 21; export the model with opset 21 or lower");
    }

    @Test
    void tensorRtRequiredWithAnOnnxModelOnThisMachine(@TempDir Path tmp) throws Exception {
        Path m = ColourClassifier.write(tmp.resolve("m.onnx"));
        assertOneUserError(edgesight("edgesight.models.sample.path=" + m, "edgesight.engine.tensorrt=required"),
                "edgesight.engine.tensorrt=required, but ONNX Runtime 1.20.0 in this jar (com.microsoft.onnxruntime:onnxruntime,"
                        + " the CPU build) has no TensorRT execution provider");
    }

    @Test
    void missingVideo() throws Exception {
        assertOneClearError(edgesight("edgesight.cameras.sample.url=/nonexistent/video.mp4"),
                "camera 'sample': video file /nonexistent/video.mp4 does not exist");
    }

    @Test
    void fileThatIsNotAVideo(@TempDir Path tmp) throws Exception {
        Path junk = tmp.resolve("junk.mp4");
        Files.writeString(junk, "this is not a video");
        assertOneClearError(edgesight("edgesight.cameras.sample.url=" + junk), "camera 'sample': cannot open " + junk);
    }

    @Test
    void yamlRouteThatDoesNotParse(@TempDir Path tmp) throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        Files.copy(Path.of("routes/pipeline.yaml"), routes.resolve("pipeline.yaml"));
        Files.writeString(routes.resolve("broken.yaml"), "- route:\n    from:\n      uri: timer:x\n     steps: [\n");
        assertOneClearError(edgesight(routes, Path.of("config/application.properties")), "broken.yaml");
    }

    @Test
    void unknownAndMistypedConfigKeysAreAllReportedWithSuggestions(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("application.properties");
        Files.writeString(config, Files.readString(Path.of("config/application.properties"))
                + "\nedgesight.models.sample.batchsize = 4\ncamel.server.prot = 9000\n");
        Outcome o = edgesight(Path.of("routes"), config);
        assertThat(o.exit()).as(o.output()).isNotZero();
        assertThat(o.output()).contains("unknown configuration key 'edgesight.models.sample.batchsize'")
                .contains("did you mean edgesight.models.sample.batch-size?")
                .contains("unknown configuration key 'camel.server.prot'")
                .contains("did you mean camel.server.port?")
                .doesNotContain("\tat ");
    }
}
