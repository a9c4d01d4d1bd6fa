package io.edgesight.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.edgesight.config.UserError;
import io.edgesight.platform.GlibcFloor;
import io.edgesight.platform.JarTarget;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this process got, printed once at start-up so a user sees it at a glance: native platform, glibc,
 * TensorFlow version, whether a GPU is visible (device files and TensorFlow's own device list), whether the
 * TensorFlow natives carry TF-TRT ({@code TRTEngineOp}), and so where inference will run.
 *
 * <p>Cheap: a directory listing of /dev, /proc/self/maps, TensorFlow's op list and one empty session to list
 * devices. Never throws: natives that do not load (glibc too old, wrong platform) are reported, not raised. A jar
 * built for a board ({@link JarTarget}) also prints its target and floor, and {@link #logOnce()} refuses to go on
 * below that floor. A jar without TensorFlow (JetPack 4 and 5) never touches a TensorFlow class here.
 */
public final class SelfCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SelfCheck.class);

    /** TensorFlow Java 1.1.0's JNI library (TF 2.18) is linked against glibc 2.34 symbols. */
    public static final String GLIBC_REQUIRED = "2.34";
    /**
     * JavaCV 1.5.13's FFmpeg, OpenCV and OpenBLAS natives are linked against glibc 2.35 symbols (readelf -V, both
     * linux-x86_64 and linux-arm64), so the camera side needs one more release than TensorFlow.
     */
    public static final String GLIBC_REQUIRED_JAVACV = "2.35";
    /** The op that a TensorFlow build with TensorRT registers (TF-TRT); the stock TF Java natives lack it. */
    public static final String TRT_OP = "TRTEngineOp";

    /** Where inference will run, as far as the natives tell. */
    public enum Engine {
        /** TensorFlow natives loaded, no GPU device: inference on the CPU. */
        CPU,
        /** TensorFlow lists a GPU device, no TF-TRT ops. */
        GPU,
        /** TensorFlow lists a GPU device and registers TRTEngineOp. */
        GPU_TENSORRT,
        /** The TensorFlow natives did not load: no inference possible. */
        UNAVAILABLE
    }

    /**
     * The structured result.
     *
     * @param platform          JavaCPP platform of this JVM (linux-x86_64, linux-arm64, ...)
     * @param osDescription     os.name, os.version, os.arch and the Java version
     * @param nativesBundled    whether this jar carries TensorFlow natives for {@code platform}
     * @param glibc             glibc version ("2.36"), or null when unknown or not glibc
     * @param tensorflowVersion TensorFlow version of the natives, or null when they did not load
     * @param tensorflowError   why the natives did not load, or null
     * @param gpuDeviceFiles    NVIDIA device nodes found under /dev (nvidia*, nvhost-*, nvgpu)
     * @param tensorflowDevices device types:indexes TensorFlow lists ("CPU:0", "GPU:0"); empty when unknown
     * @param tensorRtOps       whether TensorFlow registers {@value #TRT_OP}
     * @param engine            where inference will run
     * @param target            the system this jar was built for (its manifest), or null when running from classes
     */
    public record Result(String platform, String osDescription, boolean nativesBundled, String glibc,
                         String tensorflowVersion, String tensorflowError, List<String> gpuDeviceFiles,
                         List<String> tensorflowDevices, boolean tensorRtOps, Engine engine, JarTarget target) {

        public Result {
            gpuDeviceFiles = List.copyOf(gpuDeviceFiles);
            tensorflowDevices = List.copyOf(tensorflowDevices);
        }

        /** A result without a declared target (running from classes). */
        public Result(String platform, String osDescription, boolean nativesBundled, String glibc,
                      String tensorflowVersion, String tensorflowError, List<String> gpuDeviceFiles,
                      List<String> tensorflowDevices, boolean tensorRtOps, Engine engine) {
            this(platform, osDescription, nativesBundled, glibc, tensorflowVersion, tensorflowError, gpuDeviceFiles,
                    tensorflowDevices, tensorRtOps, engine, null);
        }

        /** Whether this jar carries TensorFlow (a jar built without it for JetPack 4 and 5 does not). */
        public boolean tensorflowInJar() {
            return target == null || target.tensorflow();
        }

        /** The line refusing to run, when glibc is known and below the floor of the jar's target; else null. */
        public String belowFloor() {
            if (target == null || glibc == null || GlibcFloor.compare(glibc, target.floor().glibc()) >= 0) return null;
            return "this jar is built for " + target.label() + " and needs glibc >= " + target.floor().glibc()
                    + ", but this system has glibc " + glibc + ": build the jar for this system's profile"
                    + " (mvn -B -DskipTests -Pjetpack4|jetpack5|jetpack6|platform-linux-arm64 package, docs/JETSON.md)";
        }

        /** True when glibc is known and at least {@value #GLIBC_REQUIRED} (TensorFlow Java). */
        public boolean glibcSufficient() {
            return glibc != null && compareVersions(glibc, GLIBC_REQUIRED) >= 0;
        }

        /** True when glibc is known and at least {@value #GLIBC_REQUIRED_JAVACV} (FFmpeg, OpenCV, OpenBLAS). */
        public boolean glibcSufficientForJavacv() {
            return glibc != null && compareVersions(glibc, GLIBC_REQUIRED_JAVACV) >= 0;
        }

        public boolean gpuInTensorFlow() {
            return tensorflowDevices.stream().anyMatch(d -> d.startsWith("GPU"));
        }

        /** A GPU is visible when its device nodes exist or TensorFlow lists one. */
        public boolean gpuVisible() {
            return !gpuDeviceFiles.isEmpty() || gpuInTensorFlow();
        }

        /** What a user should know beyond the facts: each a full sentence. */
        public List<String> notes() {
            List<String> notes = new ArrayList<>();
            if (target != null) {
                if (belowFloor() != null) notes.add(belowFloor());
                if (!target.tensorflow()) {
                    notes.add("no TensorFlow in this jar (it does not load on " + target.name() + "): SavedModels are"
                            + " refused; ONNX models run on ONNX Runtime");
                }
                if (!gpuDeviceFiles.isEmpty() && tensorflowVersion != null && !gpuInTensorFlow()) {
                    notes.add("an NVIDIA GPU is present but these TensorFlow natives are CPU-only: TensorFlow runs on"
                            + " the CPU (docs/JETSON.md)");
                }
                return notes;
            }
            if (!nativesBundled) {
                notes.add("this jar has no TensorFlow natives for " + platform + "; build the jar for this platform"
                        + (platform.endsWith("arm64") ? " (mvn -B -DskipTests -Pplatform-linux-arm64 package)" : ""));
            }
            if (glibc != null && !glibcSufficient()) {
                notes.add("TensorFlow Java 1.1.0 natives need glibc >= " + GLIBC_REQUIRED + " but this system has "
                        + glibc + " (JetPack 4 and 5 are too old; see docs/JETSON.md)");
            }
            if (glibc != null && !glibcSufficientForJavacv()) {
                notes.add("FFmpeg and OpenCV natives (JavaCV 1.5.13) need glibc >= " + GLIBC_REQUIRED_JAVACV
                        + ": cameras cannot open on this system");
            }
            if (!gpuDeviceFiles.isEmpty() && tensorflowVersion != null && !gpuInTensorFlow()) {
                notes.add("an NVIDIA GPU is present but these TensorFlow natives are CPU-only: inference runs on the"
                        + " CPU; GPU inference needs TensorFlow natives built with CUDA for this board (docs/JETSON.md)");
            }
            if (gpuInTensorFlow() && !tensorRtOps) {
                notes.add("no TF-TRT: TensorFlow runs on the GPU without TensorRT");
            }
            return notes;
        }

        /** The block printed at start-up. */
        public String format() {
            StringBuilder b = new StringBuilder("edgesight self-check\n");
            line(b, "platform", platform + " (" + osDescription + ")");
            if (target != null) {
                line(b, "target", target.label() + ": natives need " + target.floor()
                        + (target.javacpp() == null ? "" : ", JavaCPP " + target.javacpp())
                        + (target.tensorflow() ? "" : ", no TensorFlow"));
            }
            if (target != null) {
                line(b, "glibc", glibc == null ? "unknown (not glibc, or not found in /proc/self/maps)"
                        : glibc + " (this jar needs >= " + target.floor().glibc()
                                + (belowFloor() == null ? ": ok)" : ": TOO OLD)"));
            } else line(b, "glibc", glibc == null ? "unknown (not glibc, or not found in /proc/self/maps)"
                    : glibc + (glibcSufficientForJavacv() ? " (TensorFlow Java needs >= " + GLIBC_REQUIRED
                            + ", FFmpeg/OpenCV >= " + GLIBC_REQUIRED_JAVACV + ": ok)"
                    : " (TensorFlow Java needs >= " + GLIBC_REQUIRED + ", FFmpeg/OpenCV >= " + GLIBC_REQUIRED_JAVACV
                            + ": TOO OLD)"));
            if (!tensorflowInJar()) {
                line(b, "tensorflow", "not in this jar (use ONNX models)");
            } else line(b, "tensorflow", tensorflowVersion != null ? tensorflowVersion + " (natives for " + platform + " loaded)"
                    : "natives did not load: " + tensorflowError);
            String devices = tensorflowVersion == null ? "TensorFlow devices unknown"
                    : "TensorFlow devices: " + (tensorflowDevices.isEmpty() ? "none listed" : String.join(", ", tensorflowDevices));
            line(b, "gpu", (gpuVisible() ? "visible" : "not visible") + " ("
                    + (gpuDeviceFiles.isEmpty() ? "no /dev/nvidia*, /dev/nvhost-*, /dev/nvgpu" : "device files " + String.join(", ", gpuDeviceFiles))
                    + (tensorflowInJar() ? "; " + devices : "") + ")");
            line(b, "tf-trt", !tensorflowInJar() ? "no TF-TRT (no TensorFlow in this jar)"
                    : tensorflowVersion == null ? "unknown (TensorFlow did not load)"
                    : tensorRtOps ? "yes (" + TRT_OP + " registered)" : "no (" + TRT_OP + " not registered)");
            line(b, "engine", switch (engine) {
                case CPU -> tensorflowVersion == null ? "CPU (ONNX Runtime)"
                        : "CPU (TensorFlow " + tensorflowVersion + " on the CPU)";
                case GPU -> "GPU (TensorFlow GPU device, without TensorRT)";
                case GPU_TENSORRT -> "GPU with TF-TRT";
                case UNAVAILABLE -> "UNAVAILABLE (no inference: the TensorFlow natives did not load)";
            });
            for (String n : notes()) line(b, "note", n);
            return b.toString().stripTrailing();
        }

        static void line(StringBuilder b, String key, String value) {
            b.append("  ").append(String.format(Locale.ROOT, "%-11s", key)).append(value).append('\n');
        }
    }

    private static volatile Result logged;

    private SelfCheck() {}

    /**
     * Runs the check once per JVM and logs its block; later calls return the same result without logging.
     *
     * @throws UserError when this system's glibc is below the floor of the jar's target (one line, exit 2)
     */
    public static Result logOnce() {
        Result r = logged;
        if (r == null) {
            synchronized (SelfCheck.class) {
                if (logged == null) {
                    logged = run();
                    StringBuilder b = new StringBuilder(logged.format()).append('\n');
                    // each engine runtime answers for itself (io.edgesight.engine.RuntimeChecks)
                    for (var line : io.edgesight.engine.RuntimeChecks.all()) Result.line(b, line.key(), line.value());
                    LOG.info("{}", b.toString().stripTrailing());
                }
                r = logged;
            }
        }
        if (r.belowFloor() != null) throw new UserError(r.belowFloor());
        return r;
    }

    /** Runs every check on this machine. */
    public static Result run() {
        String platform = Loader.getPlatform();
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
        boolean bundled = SelfCheck.class.getResource("/org/tensorflow/internal/c_api/" + platform + "/libjnitensorflow.so") != null;
        String glibc = glibcVersion(Path.of("/proc/self/maps"));
        List<String> gpuFiles = gpuDeviceFiles(Path.of("/dev"));
        JarTarget target = JarTarget.current().orElse(null);

        String tfVersion = null;
        String tfError = null;
        boolean trt = false;
        List<String> tfDevices = List.of();
        boolean belowFloor = target != null && glibc != null && GlibcFloor.compare(glibc, target.floor().glibc()) < 0;
        if (target != null && !target.tensorflow()) {
            // no TensorFlow classes are touched: inference is ONNX Runtime's
            return new Result(platform, os, false, glibc, null, "not in this jar", gpuFiles, List.of(), false,
                    belowFloor ? Engine.UNAVAILABLE : Engine.CPU, target);
        }
        if (belowFloor) {
            tfError = "not loaded: glibc " + glibc + " is below the jar's floor " + target.floor().glibc();
        } else {
            try {
                tfVersion = TensorFlowProbe.version();
                trt = TensorFlowProbe.tensorRtOps();
                tfDevices = TensorFlowProbe.devices();
            } catch (LinkageError | RuntimeException e) {
                if (tfVersion == null) {
                    tfError = oneLine(e);
                } else {
                    LOG.debug("self-check: TensorFlow loaded but listing its ops or devices failed", e);
                }
            }
        }
        return new Result(platform, os, bundled, glibc, tfVersion, tfError, gpuFiles, tfDevices, trt,
                engineOf(tfVersion != null, tfDevices, trt), target);
    }

    static Engine engineOf(boolean tensorflowLoaded, List<String> tfDevices, boolean trt) {
        if (!tensorflowLoaded) return Engine.UNAVAILABLE;
        boolean gpu = tfDevices.stream().anyMatch(d -> d.startsWith("GPU"));
        if (!gpu) return Engine.CPU;
        return trt ? Engine.GPU_TENSORRT : Engine.GPU;
    }

    // ------------------------------------------------------------------------------------------------ glibc

    private static final Pattern LIBC_FILE = Pattern.compile("/libc-(\\d+\\.\\d+(?:\\.\\d+)?)\\.so$");
    private static final Pattern LIBC_SO6 = Pattern.compile("/libc\\.so\\.6$");
    private static final Pattern BANNER = Pattern.compile("GNU C Library[^\\n]*? version (\\d+\\.\\d+(?:\\.\\d+)?)");

    /**
     * The glibc this process runs on: the libc mapped in {@code maps} (/proc/self/maps). glibc before 2.34 names
     * the file libc-2.XX.so; later ones name it libc.so.6 and carry a "GNU C Library ... version 2.XX" banner.
     * Null when not found (musl, no /proc).
     */
    static String glibcVersion(Path maps) {
        List<String> lines;
        try {
            lines = Files.readAllLines(maps, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        for (String line : lines) {
            int slash = line.indexOf('/');
            if (slash < 0) continue;
            String path = line.substring(slash).trim();
            Matcher m = LIBC_FILE.matcher(path);
            if (m.find()) return m.group(1);
            if (LIBC_SO6.matcher(path).find()) {
                String v = glibcBanner(Path.of(path));
                if (v != null) return v;
            }
        }
        return null;
    }

    /** The version in a libc.so.6 banner ("GNU C Library (...) stable release version 2.36."); the file is about 2 MB. */
    static String glibcBanner(Path libc) {
        try {
            String text = new String(Files.readAllBytes(libc), StandardCharsets.ISO_8859_1);
            int at = text.indexOf("GNU C Library");
            while (at >= 0) {
                int end = text.indexOf('\0', at);
                Matcher m = BANNER.matcher(text.substring(at, end < 0 ? Math.min(text.length(), at + 300) : end));
                if (m.find()) return m.group(1);
                at = text.indexOf("GNU C Library", at + 1);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** -1, 0 or 1 comparing dotted numeric versions ("2.9" < "2.34"). */
    static int compareVersions(String a, String b) {
        return GlibcFloor.compare(a, b);
    }

    // ------------------------------------------------------------------------------------------------ GPU

    /**
     * NVIDIA device nodes in {@code dev}: nvidia0/nvidiactl/nvidia-uvm (discrete GPUs, and Jetson's nvidia0 on
     * some L4T releases), nvhost-* (Jetson's GPU host1x channels), nvgpu (Orin's /dev/nvgpu/igpu0).
     */
    static List<String> gpuDeviceFiles(Path dev) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dev)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("nvidia") || n.startsWith("nvhost-") || n.equals("nvgpu"))
                    .sorted()
                    .forEach(n -> found.add(dev.resolve(n).toString()));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return found;
    }

    private static String oneLine(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getClass().getSimpleName() + ": " + c.getMessage();
        return m.replaceAll("\\s+", " ");
    }
}
