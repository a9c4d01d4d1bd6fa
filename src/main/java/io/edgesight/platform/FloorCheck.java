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
 * With {@code --floor GLIBC/GLIBCXX/CXXABI} (e.g. {@code 2.27/3.4.25/1.3.11}, JetPack 4.6) it checks a folder
 * instead, every ELF file in it: an unpacked JDK, before it goes onto the board.
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
        GlibcFloor floor = null;
        int first = 0;
        if (args[0].equals("--floor")) {
            String[] v = args.length > 2 ? args[1].split("/") : new String[0];
            try {
                floor = new GlibcFloor(v[0], v[1], v[2]);
            } catch (RuntimeException e) {
                err.println("floor-check: --floor takes GLIBC/GLIBCXX/CXXABI versions and a folder, e.g. --floor 2.27/3.4.25/1.3.11 /opt/jdk-17");
                return 2;
            }
            first = 2;
        }
        for (int i = first; i < args.length; i++) {
            String a = args[i];
            Report r;
            try {
                r = floor != null ? checkFolder(Path.of(a), floor) : check(Path.of(a));
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
                tally(e.getName(), e.getName().substring(e.getName().lastIndexOf('/') + 1), bytes, target.floor(),
                        newest, newestIn, violations);
            }
            return new Report(jar, target, natives, newest, newestIn, violations);
        }
    }

    /** Every ELF file under a folder (libraries and executables) against a given floor. */
    public static Report checkFolder(Path dir, GlibcFloor floor) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a folder");
        JarTarget target = new JarTarget(dir.getFileName().toString(), dir.toString(), floor, false, null);
        Map<GlibcFloor.Family, String> newest = new LinkedHashMap<>();
        Map<GlibcFloor.Family, String> newestIn = new LinkedHashMap<>();
        List<String> violations = new ArrayList<>();
        int natives = 0;
        List<Path> files;
        try (var walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !Files.isSymbolicLink(f)).sorted().toList();
        }
        for (Path f : files) {
            byte[] head = new byte[4];
            try (InputStream in = Files.newInputStream(f)) {
                if (in.readNBytes(head, 0, 4) < 4 || !ElfVersionNeeds.isElf(head)) continue;
            }
            natives++;
            tally(dir.relativize(f).toString(), f.getFileName().toString(), Files.readAllBytes(f), floor, newest, newestIn, violations);
        }
        return new Report(dir, target, natives, newest, newestIn, violations);
    }

    private static void tally(String entry, String lib, byte[] bytes, GlibcFloor floor, Map<GlibcFloor.Family, String> newest,
                              Map<GlibcFloor.Family, String> newestIn, List<String> violations) {
        for (ElfVersionNeeds.Need n : ElfVersionNeeds.read(bytes)) {
            GlibcFloor.Family f = GlibcFloor.Family.of(n.version());
            if (f == null) continue;
            String v = f.number(n.version());
            if (newest.get(f) == null || GlibcFloor.compare(v, newest.get(f)) > 0) {
                newest.put(f, v);
                newestIn.put(f, lib);
            }
            if (!floor.allows(n.version())) {
                violations.add(entry + " needs " + n.version() + " from " + n.file() + " (floor " + floor.of(f) + ")");
            }
        }
    }

    static boolean isNativeName(String name) {
        String file = name.substring(name.lastIndexOf('/') + 1);
        return file.endsWith(".so") || file.matches(".*\\.so\\.[0-9.]+");
    }
}
