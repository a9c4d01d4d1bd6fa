package io.edgesight.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which TensorRT this jar's runtime speaks against the TensorRT the machine has: the version the loaded library
 * reports ({@code getInferLibVersion}), or, when the bindings did not load because their soname is missing, the
 * {@code libnvinfer.so.N} files in the usual library folders. A mismatch is one sentence naming the jar to use.
 */
final class TrtVersions {
    private static final Pattern LIB = Pattern.compile("libnvinfer\\.so\\.(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    /** Where JetPack, NVIDIA's packages and tarball installs put libnvinfer (LD_LIBRARY_PATH is searched first). */
    static final List<String> LIBRARY_DIRS = List.of("/usr/lib/aarch64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu/tegra", "/usr/local/cuda/lib64", "/usr/local/cuda/targets/aarch64-linux/lib",
            "/usr/local/tensorrt/lib", "/usr/lib64", "/usr/lib", "/usr/local/lib");

    private TrtVersions() {}

    /**
     * Null when a jar speaking TensorRT {@code jarMajor} can use TensorRT {@code found} ("8.2.1", "10.3.0", or just
     * "10" from a soname), else the sentence saying which jar to use. {@code arm64}: the machine is a Jetson-like
     * arm64 (the JetPack jars), else x86_64 (one jar, TensorRT 10).
     */
    static String mismatch(int jarMajor, String found, boolean arm64) {
        int major = major(found);
        if (major == jarMajor) return null;
        String has = "this jar speaks TensorRT " + jarMajor + "; the " + (arm64 ? "board" : "machine") + " has TensorRT " + found;
        if (!arm64) {
            return has + ": the x86_64 jar (edgesight.jar) speaks TensorRT 10 only; install TensorRT 10 (NVIDIA's"
                    + " tensorrt packages: libnvinfer10 and libnvonnxparsers10) (docs/ENGINES.md, \"TensorRT\")";
        }
        return has + ": " + advice(found);
    }

    /** The jar for a JetPack's TensorRT. */
    static String advice(String found) {
        int major = major(found);
        int minor = minor(found);
        if (major >= 10) return use("jetpack6");
        if (major == 8 && minor >= 0 && minor <= 3) return use("jetpack4");
        if (major == 8 && (minor == 4 || minor == 5)) return use("jetpack5");
        if (major == 8 && minor < 0) return use("jetpack4") + " on JetPack 4.6 (TensorRT 8.0/8.2) or " + use("jetpack5")
                + " on JetPack 5.1 (TensorRT 8.4/8.5)";
        if (major == 8 || major == 9) {
            return "no edgesight jar is built for TensorRT " + found + " (JetPack 6.0); move the board to JetPack 6.1 or"
                    + " later (TensorRT 10) and " + use("jetpack6");
        }
        return "edgesight's TensorRT runtime needs TensorRT 8 (JetPack 4.6 or 5.1) or 10 (JetPack 6.1+); upgrade JetPack"
                + " (docs/JETSON.md)";
    }

    private static String use(String profile) {
        return "use edgesight-" + profile + ".jar (mvn -B -DskipTests -P" + profile + " package, docs/JETSON.md)";
    }

    static int major(String version) {
        Matcher m = Pattern.compile("^(\\d+)").matcher(version == null ? "" : version);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The minor version, or -1 when only the major is known (a soname). */
    static int minor(String version) {
        Matcher m = Pattern.compile("^\\d+\\.(\\d+)").matcher(version == null ? "" : version);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * The TensorRT versions installed in {@code dirs}, read from the names of their libnvinfer files: the fullest
     * name per major ("libnvinfer.so.8.2.1" gives "8.2.1", a lone "libnvinfer.so.10" gives "10"), sorted.
     */
    static List<String> installed(List<Path> dirs) {
        Set<String> found = new LinkedHashSet<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                s.forEach(p -> {
                    Matcher m = LIB.matcher(p.getFileName().toString());
                    if (m.matches()) found.add(versionOf(m));
                });
            } catch (IOException | SecurityException e) {
                // an unreadable folder has no TensorRT we could load either
            }
        }
        TreeSet<String> best = new TreeSet<>(TrtVersions::compare);
        for (String v : found) {
            boolean fuller = found.stream().anyMatch(o -> !o.equals(v) && o.startsWith(v + "."));
            if (!fuller) best.add(v);
        }
        return new ArrayList<>(best);
    }

    /** Numerically, component by component: "8.2.1" < "10". */
    static int compare(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : -1, i < y.length ? Integer.parseInt(y[i]) : -1);
            if (c != 0) return c;
        }
        return 0;
    }

    private static String versionOf(Matcher m) {
        StringBuilder v = new StringBuilder(m.group(1));
        for (int g = 2; g <= 3 && m.group(g) != null; g++) v.append('.').append(m.group(g));
        return v.toString();
    }

    /** LD_LIBRARY_PATH's folders, then {@link #LIBRARY_DIRS}. */
    static List<Path> searchPath(String ldLibraryPath) {
        List<Path> dirs = new ArrayList<>();
        if (ldLibraryPath != null) {
            for (String p : ldLibraryPath.split(":")) if (!p.isBlank()) dirs.add(Path.of(p));
        }
        for (String d : LIBRARY_DIRS) dirs.add(Path.of(d));
        return dirs;
    }

    /**
     * When this jar's TensorRT (or the CUDA its bindings link) did not load: the sentence for a machine that has
     * only another TensorRT major, or null when it has this jar's major too or none at all (then the missing
     * library itself is the message).
     */
    static String otherTensorRt(int jarMajor, List<String> installed, boolean arm64) {
        if (installed.isEmpty()) return null;
        for (String v : installed) if (major(v) == jarMajor) return null;
        return mismatch(jarMajor, installed.get(installed.size() - 1), arm64);
    }

    static boolean arm64() {
        String a = System.getProperty("os.arch", "");
        return a.equals("aarch64") || a.equals("arm64");
    }
}
