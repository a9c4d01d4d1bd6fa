package io.edgesight.platform;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * The system a jar was built for, as its build profile wrote it into the manifest: a name ({@code jetpack4},
 * {@code linux-arm64}, ...), a description, the glibc/libstdc++ floor of its natives and whether it carries
 * TensorFlow. Running from classes (tests, an IDE) there is no such manifest: then nothing is declared.
 */
public record JarTarget(String name, String description, GlibcFloor floor, boolean tensorflow, String javacpp) {

    public static final String TARGET = "Edgesight-Target";
    public static final String DESCRIPTION = "Edgesight-Target-Description";
    public static final String GLIBC = "Edgesight-Glibc-Floor";
    public static final String GLIBCXX = "Edgesight-Glibcxx-Floor";
    public static final String CXXABI = "Edgesight-Cxxabi-Floor";
    public static final String TENSORFLOW = "Edgesight-TensorFlow";
    public static final String JAVACPP = "Edgesight-JavaCPP";

    private static volatile Optional<JarTarget> current;

    /** The target of the jar this process runs from, or empty when it runs from classes. */
    public static Optional<JarTarget> current() {
        Optional<JarTarget> c = current;
        if (c == null) {
            c = find();
            current = c;
        }
        return c;
    }

    /** Whether TensorFlow can be used here: the jar carries it, or no jar declares otherwise. */
    public static boolean tensorflowAvailable() {
        return current().map(JarTarget::tensorflow).orElse(true);
    }

    /** The target a manifest declares, or null when it declares none. */
    public static JarTarget of(Manifest manifest) {
        Attributes a = manifest.getMainAttributes();
        String name = a.getValue(TARGET);
        if (name == null || name.isBlank()) return null;
        GlibcFloor floor = new GlibcFloor(a.getValue(GLIBC), a.getValue(GLIBCXX), a.getValue(CXXABI));
        return new JarTarget(name, a.getValue(DESCRIPTION) == null ? name : a.getValue(DESCRIPTION), floor,
                !"false".equalsIgnoreCase(a.getValue(TENSORFLOW)), a.getValue(JAVACPP));
    }

    /** "jetpack4 (JetPack 4.6, ...)". */
    public String label() {
        return description.equals(name) ? name : name + " (" + description + ")";
    }

    private static Optional<JarTarget> find() {
        try {
            Enumeration<URL> manifests = JarTarget.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                try (InputStream in = manifests.nextElement().openStream()) {
                    JarTarget t = of(new Manifest(in));
                    if (t != null) return Optional.of(t);
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable manifest declares nothing
        }
        return Optional.empty();
    }
}
