package io.edgesight.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.edgesight.platform.GlibcFloor;
import io.edgesight.platform.JarTarget;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up self-check: on this machine (x86_64, no GPU, stock TensorFlow Java natives), and on made-up boards. */
class SelfCheckTest {

    /** glibc as the system itself reports it, independent of SelfCheck's /proc/self/maps reading. */
    private static String getconfGlibc() throws Exception {
        Process p = new ProcessBuilder("getconf", "GNU_LIBC_VERSION").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.replaceFirst("^glibc\\s+", "");
    }

    @Test
    void onThisX86MachineItSaysX86GlibcTensorFlowCpuNoGpuNoTensorRt() throws Exception {
        // This machine and CI: x86_64, no NVIDIA device, TF Java 1.1.0's stock natives (no CUDA, no TensorRT).
        assumeTrue(Loader.getPlatform().equals("linux-x86_64"), "runs on linux-x86_64 only");
        assumeTrue(SelfCheck.gpuDeviceFiles(Path.of("/dev")).isEmpty(), "this machine has NVIDIA device files");

        SelfCheck.Result r = SelfCheck.run();

        assertThat(r.platform()).isEqualTo("linux-x86_64");
        assertThat(r.nativesBundled()).isTrue();
        assertThat(r.glibc()).isEqualTo(getconfGlibc());
        assertThat(r.glibcSufficient()).isTrue();
        assertThat(r.glibcSufficientForJavacv()).isTrue();
        assertThat(r.tensorflowVersion()).isEqualTo("2.18.0");
        assertThat(r.tensorflowError()).isNull();
        assertThat(r.gpuDeviceFiles()).isEmpty();
        assertThat(r.tensorflowDevices()).containsExactly("CPU:0");
        assertThat(r.gpuVisible()).isFalse();
        assertThat(r.tensorRtOps()).isFalse();
        assertThat(r.engine()).isEqualTo(SelfCheck.Engine.CPU);
        assertThat(r.notes()).isEmpty();

        String block = r.format();
        assertThat(block.lines()).containsExactly(
                "edgesight self-check",
                "  platform   linux-x86_64 (" + r.osDescription() + ")",
                "  glibc      " + r.glibc() + " (TensorFlow Java needs >= 2.34, FFmpeg/OpenCV >= 2.35: ok)",
                "  tensorflow 2.18.0 (natives for linux-x86_64 loaded)",
                "  gpu        not visible (no /dev/nvidia*, /dev/nvhost-*, /dev/nvgpu; TensorFlow devices: CPU:0)",
                "  tf-trt     no (TRTEngineOp not registered)",
                "  engine     CPU (TensorFlow 2.18.0 on the CPU)");
    }

    @Test
    void logOnceChecksOnceAndReturnsTheSameResult() {
        SelfCheck.Result first = SelfCheck.logOnce();
        assertThat(SelfCheck.logOnce()).isSameAs(first);
    }

    @Test
    void jetsonNanoLikeBoardGetsTheGlibcReasonAndUnavailableEngine() {
        // What JetPack 4.6 (Ubuntu 18.04, glibc 2.27) would give: the natives cannot load.
        SelfCheck.Result r = new SelfCheck.Result("linux-arm64", "Linux 4.9.253-tegra aarch64, Java 17", true, "2.27",
                null, "UnsatisfiedLinkError: /lib/aarch64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found",
                List.of("/dev/nvhost-ctrl-gpu", "/dev/nvhost-gpu"), List.of(), false,
                SelfCheck.engineOf(false, List.of(), false));
        assertThat(r.engine()).isEqualTo(SelfCheck.Engine.UNAVAILABLE);
        assertThat(r.glibcSufficient()).isFalse();
        String block = r.format();
        assertThat(block).contains("  glibc      2.27 (TensorFlow Java needs >= 2.34, FFmpeg/OpenCV >= 2.35: TOO OLD)");
        assertThat(block).contains("  tensorflow natives did not load: UnsatisfiedLinkError");
        assertThat(block).contains("  gpu        visible (device files /dev/nvhost-ctrl-gpu, /dev/nvhost-gpu; TensorFlow devices unknown)");
        assertThat(block).contains("  tf-trt     unknown (TensorFlow did not load)");
        assertThat(block).contains("  engine     UNAVAILABLE");
        assertThat(block).contains("need glibc >= 2.34 but this system has 2.27");
        assertThat(block).contains("FFmpeg and OpenCV natives (JavaCV 1.5.13) need glibc >= 2.35");
    }

    @Test
    void glibc234LoadsTensorFlowButNotTheCameraNatives() {
        // e.g. a distribution with glibc 2.34 exactly: TF Java's JNI links, JavaCV 1.5.13's FFmpeg does not.
        SelfCheck.Result r = new SelfCheck.Result("linux-arm64", "Linux aarch64, Java 17", true, "2.34", "2.18.0", null,
                List.of(), List.of("CPU:0"), false, SelfCheck.Engine.CPU);
        assertThat(r.glibcSufficient()).isTrue();
        assertThat(r.glibcSufficientForJavacv()).isFalse();
        assertThat(r.format()).contains("  glibc      2.34 (TensorFlow Java needs >= 2.34, FFmpeg/OpenCV >= 2.35: TOO OLD)")
                .contains("cameras cannot open on this system");
    }

    @Test
    void orinLikeBoardWithStockNativesRunsOnCpuAndSaysSo() {
        SelfCheck.Result r = new SelfCheck.Result("linux-arm64", "Linux 5.15-tegra aarch64, Java 17", true, "2.35",
                "2.18.0", null, List.of("/dev/nvgpu", "/dev/nvhost-ctrl-gpu"), List.of("CPU:0"), false,
                SelfCheck.engineOf(true, List.of("CPU:0"), false));
        assertThat(r.engine()).isEqualTo(SelfCheck.Engine.CPU);
        assertThat(r.gpuVisible()).isTrue();
        assertThat(r.format()).contains("an NVIDIA GPU is present but these TensorFlow natives are CPU-only");
    }

    @Test
    void gpuAndTensorRtOpsGiveTheGpuEngines() {
        assertThat(SelfCheck.engineOf(true, List.of("CPU:0", "GPU:0"), false)).isEqualTo(SelfCheck.Engine.GPU);
        assertThat(SelfCheck.engineOf(true, List.of("CPU:0", "GPU:0"), true)).isEqualTo(SelfCheck.Engine.GPU_TENSORRT);
        assertThat(SelfCheck.engineOf(true, List.of("CPU:0"), true)).isEqualTo(SelfCheck.Engine.CPU);
    }

    @Test
    void glibcFromOldAndNewLibcFileNames(@TempDir Path tmp) throws Exception {
        Path oldMaps = tmp.resolve("maps-old");
        Files.writeString(oldMaps, "7f00-7f01 r-xp 00000000 b3:01 123 /lib/aarch64-linux-gnu/libc-2.27.so\n");
        assertThat(SelfCheck.glibcVersion(oldMaps)).isEqualTo("2.27");

        Path libc = tmp.resolve("libc.so.6");
        byte[] junk = new byte[100_000];
        byte[] banner = "GNU C Library (Ubuntu GLIBC 2.35-0ubuntu3.8) stable release version 2.35.\n\0more"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[junk.length + banner.length];
        System.arraycopy(banner, 0, all, junk.length, banner.length);
        Files.write(libc, all);
        Path newMaps = tmp.resolve("maps-new");
        Files.writeString(newMaps, "5500-5501 r--p 00000000 fe:00 1 /usr/bin/java\n"
                + "7f00-7f01 r-xp 00000000 fe:00 2 " + libc + "\n");
        assertThat(SelfCheck.glibcVersion(newMaps)).isEqualTo("2.35");

        Path musl = tmp.resolve("maps-musl");
        Files.writeString(musl, "7f00-7f01 r-xp 00000000 fe:00 2 /lib/ld-musl-aarch64.so.1\n");
        assertThat(SelfCheck.glibcVersion(musl)).isNull();
        assertThat(SelfCheck.glibcVersion(tmp.resolve("no-such-file"))).isNull();
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(SelfCheck.compareVersions("2.9", "2.34")).isNegative();
        assertThat(SelfCheck.compareVersions("2.34", "2.34")).isZero();
        assertThat(SelfCheck.compareVersions("2.39", "2.34")).isPositive();
        assertThat(SelfCheck.compareVersions("2.31", "2.34")).isNegative();
    }

    @Test
    void nvidiaAndJetsonDeviceNodesAreFound(@TempDir Path dev) throws Exception {
        assertThat(SelfCheck.gpuDeviceFiles(dev)).isEmpty();
        Files.createFile(dev.resolve("nvhost-gpu"));
        Files.createFile(dev.resolve("nvidia0"));
        Files.createDirectory(dev.resolve("nvgpu"));
        Files.createFile(dev.resolve("null"));
        Files.createFile(dev.resolve("nvme0")); // not a GPU
        assertThat(SelfCheck.gpuDeviceFiles(dev)).containsExactly(
                dev.resolve("nvgpu").toString(), dev.resolve("nvhost-gpu").toString(), dev.resolve("nvidia0").toString());
    }

    static final JarTarget JETPACK4 = new JarTarget("jetpack4", "JetPack 4.6 (L4T R32.7, Ubuntu 18.04: Jetson Nano, TX2, Xavier on 4.x)",
            new GlibcFloor("2.27", "3.4.25", "1.3.11"), false, "1.5.6");
    static final JarTarget JETPACK6 = new JarTarget("jetpack6", "JetPack 6.1/6.2 (L4T R36.4, Ubuntu 22.04: Jetson Orin)",
            new GlibcFloor("2.35", "3.4.30", "1.3.13"), true, "1.5.11");

    @Test
    void theNanoJarOnJetPack46PrintsItsTargetAndRunsOnnxOnTheCpu() {
        SelfCheck.Result r = new SelfCheck.Result("linux-arm64", "Linux 4.9.253-tegra aarch64, Java 17", false, "2.27",
                null, "not in this jar", List.of("/dev/nvhost-ctrl-gpu"), List.of(), false, SelfCheck.Engine.CPU, JETPACK4);
        assertThat(r.belowFloor()).isNull();
        assertThat(r.format().lines()).containsExactly(
                "edgesight self-check",
                "  platform   linux-arm64 (Linux 4.9.253-tegra aarch64, Java 17)",
                "  target     jetpack4 (JetPack 4.6 (L4T R32.7, Ubuntu 18.04: Jetson Nano, TX2, Xavier on 4.x)): natives need"
                        + " GLIBC 2.27 / GLIBCXX 3.4.25 / CXXABI 1.3.11, JavaCPP 1.5.6, no TensorFlow",
                "  glibc      2.27 (this jar needs >= 2.27: ok)",
                "  tensorflow not in this jar (use ONNX models)",
                "  gpu        visible (device files /dev/nvhost-ctrl-gpu)",
                "  tf-trt     no TF-TRT (no TensorFlow in this jar)",
                "  engine     CPU (ONNX Runtime)",
                "  note       no TensorFlow in this jar (it does not load on jetpack4): SavedModels are refused; ONNX models"
                        + " run on ONNX Runtime");
    }

    @Test
    void belowTheJarsGlibcFloorItRefusesWithOneLine() {
        // the JetPack 6 jar on a JetPack 5 board (Ubuntu 20.04, glibc 2.31)
        SelfCheck.Result r = new SelfCheck.Result("linux-arm64", "Linux 5.10-tegra aarch64, Java 17", true, "2.31",
                null, "not loaded", List.of(), List.of(), false, SelfCheck.Engine.UNAVAILABLE, JETPACK6);
        assertThat(r.belowFloor()).isEqualTo("this jar is built for jetpack6 (JetPack 6.1/6.2 (L4T R36.4, Ubuntu 22.04:"
                + " Jetson Orin)) and needs glibc >= 2.35, but this system has glibc 2.31: build the jar for this system's"
                + " profile (mvn -B -DskipTests -Pjetpack4|jetpack5|jetpack6|platform-linux-arm64 package, docs/JETSON.md)");
        assertThat(r.format()).contains("  glibc      2.31 (this jar needs >= 2.35: TOO OLD)");
        // an unknown glibc (musl, no /proc) is not refused: the dynamic linker will say what is missing
        assertThat(new SelfCheck.Result("linux-arm64", "", true, null, null, "x", List.of(), List.of(), false,
                SelfCheck.Engine.UNAVAILABLE, JETPACK6).belowFloor()).isNull();
        assertThat(new SelfCheck.Result("linux-arm64", "", true, "2.36", "2.18.0", null, List.of(), List.of("CPU:0"), false,
                SelfCheck.Engine.CPU, JETPACK6).belowFloor()).isNull();
    }

    @Test
    void runningFromClassesDeclaresNoTarget() {
        assertThat(SelfCheck.run().target()).isNull();
        assertThat(SelfCheck.run().format()).doesNotContain("  target ");
    }
}
