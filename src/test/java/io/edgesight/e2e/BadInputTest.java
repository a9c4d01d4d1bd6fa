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
import io.edgesight.tooling.ColourClassifier;
import io.edgesight.testing.OnnxTestModels;
import io.edgesight.testing.Ports;
import io.edgesight.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of bad input, run as a user runs edgesight (a separate JVM): one clear line naming the bad
 * thing, a non-zero exit, and no stack trace.
 */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class BadInputTest {

    @BeforeAll
    static void sampleVideo() {
        SampleVideo.ensure(EndToEndTest.VIDEO);
    }

    record Outcome(int exit, String output) {}

    static Outcome edgesight(Path routes, Path config, String... sets) throws Exception {
        return edgesight(java.util.Map.of(), routes, config, sets);
    }

    static Outcome edgesight(java.util.Map<String, String> env, Path routes, Path config, String... sets) throws Exception {
        int http = Ports.free();
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
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
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
    void aBadMotionMaskPolygon() throws Exception {
        assertOneUserError(edgesight("edgesight.cameras.sample.motion=on", "edgesight.cameras.sample.motion-mask=0,0,100,0;1,2"),
                "edgesight.cameras.sample.motion-mask polygon 1 '0,0,100,0' needs at least 3 points");
    }

    @Test
    void aMotionThresholdOutOfRange() throws Exception {
        assertOneUserError(edgesight("edgesight.cameras.defaults.motion-threshold=0"),
                "edgesight.cameras.defaults.motion-threshold must be between 1 and 255 (grey levels), got 0");
    }

    @Test
    void batchSizeZero() throws Exception {
        assertOneClearError(edgesight("edgesight.models.sample.batch-size=0"),
                "edgesight.models.sample.batch-size must be between 1 and 1024, got 0");
    }

    @Test
    void environmentVariablesOverrideTheFile() throws Exception {
        assertOneClearError(edgesight(java.util.Map.of("EDGESIGHT_MODELS_SAMPLE_BATCH_SIZE", "0"), Path.of("routes"),
                Path.of("config/application.properties")), "edgesight.models.sample.batch-size must be between 1 and 1024, got 0");
    }

    @Test
    void environmentVariablesOfKeysTheFileLeavesOutAreCheckedToo() throws Exception {
        assertOneUserError(edgesight(java.util.Map.of("EDGESIGHT_MODELS_SAMPLE_IOU_THRESHOLD", "2"), Path.of("routes"),
                Path.of("config/application.properties")), "environment variable EDGESIGHT_MODELS_SAMPLE_IOU_THRESHOLD must be between 0 and 1, got 2");
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

    /** A directory the process may not write to: chmod for a normal user, the immutable flag for root (CI). */
    @Test
    void engineDirectoryWithoutWritePermission(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("engines"));
        boolean root = "root".equals(System.getProperty("user.name"));
        Process lock = new ProcessBuilder(root ? List.of("chattr", "+i", dir.toString()) : List.of("chmod", "555", dir.toString()))
                .inheritIO().start();
        assertThat(lock.waitFor()).isZero();
        try {
            assertOneClearError(edgesight("edgesight.engine.dir=" + dir), "engine directory " + dir + " is not writable");
        } finally {
            new ProcessBuilder(root ? List.of("chattr", "-i", dir.toString()) : List.of("chmod", "755", dir.toString()))
                    .inheritIO().start().waitFor();
        }
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
    void tensorRtRequiredNamesTheMissingLibraryToo(@TempDir Path tmp) throws Exception {
        Path m = ColourClassifier.write(tmp.resolve("m.onnx"));
        assertOneUserError(edgesight("edgesight.models.sample.path=" + m, "edgesight.engine.tensorrt=required"),
                "edgesight's own TensorRT runtime cannot run either: libcuda.so.1 (the NVIDIA driver) was not found");
    }

    @Test
    void modelPinnedToTensorRtOnAMachineWithoutAGpu(@TempDir Path tmp) throws Exception {
        Path m = ColourClassifier.write(tmp.resolve("m.onnx"));
        assertOneUserError(edgesight("edgesight.models.sample.path=" + m, "edgesight.models.sample.runtime=tensorrt"),
                "model 'sample' is set to run on TensorRT, but TensorRT cannot run here: libcuda.so.1 (the NVIDIA driver)"
                        + " was not found; this machine has no NVIDIA driver");
    }

    @Test
    void tensorRtRefusesInt8WithoutCalibrationAndSavedModels(@TempDir Path tmp) throws Exception {
        Path m = ColourClassifier.write(tmp.resolve("m.onnx"));
        assertOneUserError(edgesight("edgesight.models.sample.path=" + m, "edgesight.models.sample.runtime=tensorrt",
                        "edgesight.models.sample.precision=INT8"),
                "edgesight.models.sample.precision=INT8 needs a calibration set");
        assertOneUserError(edgesight("edgesight.models.sample.runtime=tensorrt"),
                "the TensorRT runtime builds engines from ONNX models");
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

    /** Six different mistakes in one file: one run names all six, one line each, exit 2, nothing starts. */
    @Test
    void sixBadValuesAreAllReportedInOneRun(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("application.properties");
        Files.writeString(config, Files.readString(Path.of("config/application.properties"))
                + "\nedgesight.models.sample.top-k = many\n"            // not a number
                + "edgesight.mqtt.qos = 5\n"                             // out of range
                + "edgesight.cameras.sample.loop = yes\n"                // not a boolean
                + "edgesight.models.sample.resize = squash\n"            // not one of the choices
                + "edgesight.webhook.url = ftp://hooks.example.com/in\n" // wrong scheme
                + "edgesight.webhook.min-scor = 0.5\n");                 // unknown key
        Outcome o = edgesight(Path.of("routes"), config);
        List<String> errors = o.output().lines().filter(l -> l.startsWith("edgesight: ")).toList();
        assertThat(o.exit()).as(o.output()).isEqualTo(io.edgesight.cli.EdgesightCli.USER_ERROR);
        assertThat(errors).as(o.output()).containsExactlyInAnyOrder(
                "edgesight: edgesight.cameras.sample.loop must be true or false, got 'yes'",
                "edgesight: edgesight.models.sample.resize: unknown resize mode 'squash'; use one of stretch, letterbox, center-crop",
                "edgesight: edgesight.models.sample.top-k must be a whole number, got 'many'",
                "edgesight: edgesight.mqtt.qos must be between 0 and 2, got 5",
                "edgesight: edgesight.webhook.url 'ftp://hooks.example.com/in' must start with http:// or https://;"
                        + " expected http://host:port/path or https://host/path",
                "edgesight: unknown configuration key 'edgesight.webhook.min-scor' in " + config
                        + "; did you mean edgesight.webhook.min-score?");
        assertThat(o.output()).as("no stack trace, nothing started").doesNotContain("\tat ").doesNotContain("Exception")
                .doesNotContain("self-check");
    }

    // ------------------------------------------------------------------ decoders and outputs

    @Test
    void unknownDecoder() throws Exception {
        assertOneClearError(edgesight("edgesight.models.sample.decoder=segmentation"),
                "edgesight.models.sample.decoder: unknown decoder 'segmentation'; use one of classification, detection, raw");
    }

    @Test
    void labelsFileWithFewerLabelsThanTheModelHasClasses(@TempDir Path tmp) throws Exception {
        Path labels = tmp.resolve("labels.txt");
        Files.writeString(labels, "red_circle\ngreen_square\n");
        assertOneClearError(edgesight("edgesight.models.sample.labels=" + labels),
                "edgesight.models.sample.labels: labels file has 2 labels but the model outputs 4 classes");
    }

    @Test
    void outputNameThatIsNotInTheSignature() throws Exception {
        assertOneClearError(edgesight("edgesight.models.sample.output=probabilities"),
                "model 'sample' has no output 'probabilities'; its outputs are [logits]");
    }

    @Test
    void brokerUrlThatDoesNotParse() throws Exception {
        assertOneClearError(edgesight("edgesight.mqtt.broker-url=tcp//broker:1883"),
                "edgesight.mqtt.broker-url 'tcp//broker:1883' does not parse: no scheme; expected tcp://host:1883 or ssl://host:8883");
    }

    @Test
    void wrongTlsTrustStorePassword(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("ca.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=edgesight test CA", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "right-password", "-keypass", "right-password")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();
        assertOneClearError(edgesight("edgesight.mqtt.broker-url=ssl://127.0.0.1:" + Ports.free(),
                        "edgesight.mqtt.tls.trust-store=" + store, "edgesight.mqtt.tls.trust-store-password=wrong-password"),
                "edgesight.mqtt.tls.trust-store-password: wrong password for " + store);
    }
}
