package io.edgesight.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;

/**
 * Whether TensorRT can run in this process, found once: the CUDA runtime and TensorRT libraries of the machine
 * (linked by soname through the JavaCPP {@code cuda} and {@code tensorrt} bindings), a CUDA GPU, and their versions.
 * Never throws: a library that does not load or a missing GPU becomes one sentence naming what to install.
 */
public final class TrtLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(TrtLibrary.class);

    /** A CUDA device as TensorRT sees it: what an engine is specific to. */
    public record Gpu(String name, int major, int minor, long totalBytes, int driverVersion, int runtimeVersion) {
        public String computeCapability() { return major + "." + minor; }

        /** "NVIDIA H100 80GB HBM3 (sm_90, 79 GiB), driver CUDA 13.0, runtime 13.0". */
        public String describe() {
            return name + " (sm_" + major + minor + ", " + (totalBytes >> 30) + " GiB), driver CUDA " + cudaVersion(driverVersion)
                    + ", runtime " + cudaVersion(runtimeVersion);
        }
    }

    /**
     * What was found. {@code available}: TensorRT can build and run engines here; otherwise {@code problem} says
     * why in one sentence (the missing library and what to install, or the missing GPU).
     */
    public record Status(boolean available, String tensorRtVersion, Gpu gpu, String problem) {
        /** The self-check line. */
        public String describe() {
            if (available) return tensorRtVersion + " on " + gpu.describe();
            return "not available: " + problem;
        }
    }

    private static volatile Status status;

    private TrtLibrary() {}

    /** Loads the bindings and queries the GPU once per process. */
    public static Status status() {
        Status s = status;
        if (s == null) {
            synchronized (TrtLibrary.class) {
                if (status == null) status = probe();
                s = status;
            }
        }
        return s;
    }

    /** The TensorRT API of this jar (TensorRT 10, or 8 in the JetPack 4 and 5 jars). */
    static TrtApi api() {
        TrtApi a = API;
        if (a == null) throw new EngineException("this jar has no TensorRT runtime (neither " + TrtApi.IMPLEMENTATIONS + ")");
        return a;
    }

    private static final TrtApi API = TrtApi.inThisJar();

    /** The major version of TensorRT this jar's runtime speaks (8 or 10), or 0 when it has none. */
    public static int jarMajor() {
        return API == null ? 0 : API.major();
    }

    private static Status probe() {
        if (API == null) return new Status(false, null, null, "this jar has no TensorRT runtime");
        int major = API.major();
        try {
            Loader.load(org.bytedeco.cuda.global.cudart.class);
        } catch (Throwable e) {
            // a jar for another JetPack links another CUDA too: say which jar fits before naming the CUDA library
            String other = otherTensorRt(major);
            if (other != null) return new Status(false, null, null, other);
            return missing(e, "the CUDA runtime");
        }
        Gpu gpu;
        try {
            gpu = gpu();
        } catch (RuntimeException e) {
            return new Status(false, null, null, e.getMessage());
        }
        String version;
        try {
            API.load();
            version = version(API.libraryVersion());
        } catch (Throwable e) {
            String other = otherTensorRt(major);
            if (other != null) return new Status(false, null, gpu, other);
            return missing(e, "TensorRT");
        }
        String mismatch = TrtVersions.mismatch(major, version, TrtVersions.arm64());
        if (mismatch != null) return new Status(false, version, gpu, mismatch);
        return new Status(true, version, gpu, null);
    }

    private static String otherTensorRt(int major) {
        List<String> installed = TrtVersions.installed(TrtVersions.searchPath(System.getenv("LD_LIBRARY_PATH")));
        return TrtVersions.otherTensorRt(major, installed, TrtVersions.arm64());
    }

    private static Gpu gpu() {
        int[] n = {0};
        int rc = cudaGetDeviceCount(n);
        if (rc != 0 || n[0] == 0) {
            throw new EngineException("no CUDA GPU is visible (cudaGetDeviceCount: " + (rc != 0 ? error(rc) : "0 devices")
                    + "); TensorRT needs an NVIDIA GPU with its driver loaded (nvidia-smi must list it)");
        }
        int[] drv = {0}, rt = {0};
        cudaDriverGetVersion(drv);
        cudaRuntimeGetVersion(rt);
        try (cudaDeviceProp p = new cudaDeviceProp()) {
            check(cudaGetDeviceProperties(p, 0), "cudaGetDeviceProperties");
            return new Gpu(p.name().getString().trim(), p.major(), p.minor(), p.totalGlobalMem(), drv[0], rt[0]);
        }
    }

    /** Free and total bytes of the current GPU's memory. */
    static long[] memory() {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check(cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[] {free.get(), total.get()};
        }
    }

    static void check(int rc, String what) {
        if (rc != 0) throw new EngineException(what + " failed: " + error(rc));
    }

    static String error(int rc) {
        BytePointer s = cudaGetErrorString(rc);
        return (s == null ? "CUDA error" : s.getString()) + " (cudaError " + rc + ")";
    }

    /**
     * getInferLibVersion() as "major.minor.patch": TensorRT 10 encodes major * 10000 + minor * 100 + patch
     * (100600 = 10.6.0), TensorRT 8 major * 1000 + minor * 100 + patch (8201 = 8.2.1, 8502 = 8.5.2).
     */
    static String version(int v) {
        if (v >= 10000) return (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100);
        return (v / 1000) + "." + (v / 100 % 10) + "." + (v % 100);
    }

    /** 13000 -> "13.0" (CUDA's major * 1000 + minor * 10). */
    static String cudaVersion(int v) {
        return (v / 1000) + "." + (v % 1000 / 10);
    }

    private static final Pattern SONAME = Pattern.compile("(lib[A-Za-z0-9_+-]+\\.so(?:\\.[0-9]+)*): cannot open shared object file");

    private static Status missing(Throwable e, String what) {
        String problem = missingMessage(messages(e), what);
        LOG.debug("TensorRT runtime unavailable: {}", problem, e);
        return new Status(false, null, null, problem);
    }

    static List<String> messages(Throwable e) {
        List<String> out = new ArrayList<>();
        Set<Throwable> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) continue;
            if (t.getMessage() != null) out.add(t.getMessage());
            if (t.getCause() != null) todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
        }
        return out;
    }

    /**
     * One sentence for libraries that did not load: the sonames the dynamic linker could not find (from the
     * loader's messages), what each one is, and what to install. {@code what} names the part that failed when no
     * soname can be read from the messages.
     */
    static String missingMessage(List<String> messages, String what) {
        Set<String> libs = new LinkedHashSet<>();
        for (String m : messages) {
            Matcher mm = SONAME.matcher(m);
            while (mm.find()) libs.add(mm.group(1));
        }
        if (libs.isEmpty()) {
            String first = messages.isEmpty() ? "unknown error" : messages.get(0).replaceAll("\\s+", " ");
            return what + " bindings did not load (" + first + "); see docs/ENGINES.md, \"TensorRT\"";
        }
        List<String> parts = new ArrayList<>();
        for (String lib : libs) parts.add(lib + " (" + describeLibrary(lib) + ")");
        return String.join(", ", parts) + (libs.size() == 1 ? " was" : " were") + " not found; " + install(libs)
                + ", or add the directory that holds " + (libs.size() == 1 ? "it" : "them") + " to LD_LIBRARY_PATH"
                + " (docs/ENGINES.md, \"TensorRT\")";
    }

    static String describeLibrary(String soname) {
        String n = soname.toLowerCase(Locale.ROOT);
        String major = n.replaceAll("^.*?\\.so\\.?", "").replaceAll("\\..*", "");
        if (n.startsWith("libcuda.so")) return "the NVIDIA driver";
        if (n.startsWith("libcudart")) return "the CUDA " + major + " runtime";
        if (n.startsWith("libcublas")) return "cuBLAS of CUDA " + major;
        if (n.startsWith("libnvrtc")) return "NVRTC of CUDA " + major;
        if (n.startsWith("libcudnn")) return "cuDNN " + major;
        if (n.startsWith("libnvinfer_plugin")) return "TensorRT " + major + " plugins";
        if (n.startsWith("libnvinfer")) return "TensorRT " + major;
        if (n.startsWith("libnvonnxparser")) return "TensorRT " + major + "'s ONNX parser";
        return "a library the CUDA/TensorRT bindings need";
    }

    private static String install(Set<String> libs) {
        boolean driver = libs.stream().anyMatch(l -> l.startsWith("libcuda.so"));
        boolean trt = libs.stream().anyMatch(l -> l.startsWith("libnvinfer") || l.startsWith("libnvonnxparser"));
        if (driver) return "this machine has no NVIDIA driver: TensorRT needs an NVIDIA GPU and its driver (and then CUDA"
                + " and TensorRT " + (jarMajor() == 0 ? 10 : jarMajor()) + ": NVIDIA's cuda-runtime and tensorrt packages, or JetPack on a Jetson)";
        if (trt) {
            String major = libs.stream().filter(l -> l.startsWith("libnvinfer") || l.startsWith("libnvonnxparser")).findFirst()
                    .map(l -> l.replaceAll("^.*?\\.so\\.", "").replaceAll("\\..*", "")).orElse("");
            if (major.equals("8")) return "install TensorRT 8 (JetPack 4.6 or 5.1 on a Jetson has it: nvidia-tensorrt)";
            return "install TensorRT " + major + " (NVIDIA's tensorrt packages: libnvinfer" + major + " and libnvonnxparsers"
                    + major + ", or JetPack 6 on a Jetson)";
        }
        String cuda = libs.stream().filter(l -> l.matches("lib(cudart|cublas|cublasLt|nvrtc)\\.so\\.\\d+.*")).findFirst()
                .map(l -> l.replaceAll("^.*?\\.so\\.", "").replaceAll("\\..*", "")).orElse("");
        return "install the CUDA " + (cuda.isEmpty() ? "" : cuda + " ") + "runtime libraries (NVIDIA's cuda-runtime,"
                + " cuda-cublas, cuda-nvrtc and cudnn9 packages)";
    }
}
