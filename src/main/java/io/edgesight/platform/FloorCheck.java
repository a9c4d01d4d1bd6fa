package io.edgesight.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The floor check of a built jar: reads the symbol versions every bundled native library requires (GLIBC,
 * GLIBCXX, CXXABI) and fails when one is newer than the floor the jar's manifest declares, so a jar built for
 * JetPack 4.6 cannot silently carry a native that needs a newer system. CI runs it on every jar the build makes:
 *
 * <pre>java -cp target/edgesight.jar io.edgesight.platform.FloorCheck target/*.jar</pre>
 *
 * Exit 0 when every jar is within its floor, 1 when one is not, 2 on bad input (no manifest floor, not a jar).
 */
public final class FloorCheck {

    /** What one jar's natives need at most, per family, and the natives above its floor. */
    public record Report(Path jar, JarTarget target, int natives, Map<GlibcFloor.Family, String> newest,
                         Map<GlibcFloor.Family, String> newestIn, List<String> violations) {
        public boolean ok() { return violations.isEmpty(); }
    }

    private FloorCheck() {}

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    static int run(PrintStream out, PrintStream err, String... args) {
        if (args.length == 0) {
            err.println("floor-check: usage: FloorCheck JAR... (jars built with a target in their manifest)");
            return 2;
        }
        int rc = 0;
        for (String a : args) {
            Report r;
            try {
                r = check(Path.of(a));
            } catch (IllegalArgumentException | IOException e) {
                err.println("floor-check: " + a + ": " + e.getMessage());
                return 2;
            }
            out.println(summary(r));
            for (String v : r.violations()) out.println("floor-check:   ABOVE THE FLOOR " + v);
            if (!r.ok()) rc = 1;
        }
        return rc;
    }

    /** The one-line result of a jar. */
    static String summary(Report r) {
        StringBuilder b = new StringBuilder("floor-check: ").append(r.jar().getFileName()).append(" [")
                .append(r.target().label()).append("] floor ").append(r.target().floor()).append(": ")
                .append(r.natives()).append(r.natives() == 1 ? " native" : " natives").append(", newest needs");
        for (GlibcFloor.Family f : GlibcFloor.Family.values()) {
            String v = r.newest().get(f);
            b.append(' ').append(f).append(' ').append(v == null ? "-" : v + " (" + r.newestIn().get(f) + ")");
            if (f != GlibcFloor.Family.CXXABI) b.append(',');
        }
        return b.append(r.ok() ? ": OK" : ": FAILED, " + r.violations().size() + " above the floor").toString();
    }

    /** Reads the jar's declared floor and every native in it. */
    public static Report check(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("no such jar");
        try (JarFile jf = new JarFile(jar.toFile())) {
            JarTarget target = jf.getManifest() == null ? null : JarTarget.of(jf.getManifest());
            if (target == null) {
                throw new IllegalArgumentException("the manifest declares no " + JarTarget.TARGET
                        + " (build the jar with mvn package; a jar from another build has no floor to check)");
            }
            Map<GlibcFloor.Family, String> newest = new LinkedHashMap<>();
            Map<GlibcFloor.Family, String> newestIn = new LinkedHashMap<>();
            List<String> violations = new ArrayList<>();
            int natives = 0;
            for (Enumeration<? extends ZipEntry> en = jf.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory() || !isNativeName(e.getName())) continue;
                byte[] bytes;
                try (InputStream in = jf.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                if (!ElfVersionNeeds.isElf(bytes)) continue; // a Mach-O or PE file has no glibc needs
                natives++;
                String lib = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                for (ElfVersionNeeds.Need n : ElfVersionNeeds.read(bytes)) {
                    GlibcFloor.Family f = GlibcFloor.Family.of(n.version());
                    if (f == null) continue;
                    String v = f.number(n.version());
                    if (newest.get(f) == null || GlibcFloor.compare(v, newest.get(f)) > 0) {
                        newest.put(f, v);
                        newestIn.put(f, lib);
                    }
                    if (!target.floor().allows(n.version())) {
                        violations.add(e.getName() + " needs " + n.version() + " from " + n.file() + " (floor "
                                + target.floor().of(f) + ")");
                    }
                }
            }
            return new Report(jar, target, natives, newest, newestIn, violations);
        }
    }

    static boolean isNativeName(String name) {
        String file = name.substring(name.lastIndexOf('/') + 1);
        return file.endsWith(".so") || file.matches(".*\\.so\\.[0-9.]+");
    }
}
