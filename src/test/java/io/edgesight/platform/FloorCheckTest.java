package io.edgesight.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import io.edgesight.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floor check on jars made here from real natives of the test classpath: TensorFlow Java's JNI library (needs
 * GLIBC 2.34, GLIBCXX 3.4.29) planted into a jar that declares JetPack 4.6's floor must fail; the ELF reader must
 * read the same version needs as binutils' readelf.
 */
class FloorCheckTest {
    static final String TF_JNI = "/org/tensorflow/internal/c_api/linux-x86_64/libjnitensorflow.so";
    static final String JAVACPP_JNI = "/org/bytedeco/javacpp/linux-x86_64/libjnijavacpp.so";

    static byte[] resource(String path) throws IOException {
        try (InputStream in = FloorCheckTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path + " on the test classpath (the linux-x86_64 natives)").isNotNull();
            return in.readAllBytes();
        }
    }

    static Path jar(Path file, String glibc, String glibcxx, String cxxabi, String... natives) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (glibc != null) {
            a.putValue(JarTarget.TARGET, "jetpack4");
            a.putValue(JarTarget.DESCRIPTION, "JetPack 4.6");
            a.putValue(JarTarget.GLIBC, glibc);
            a.putValue(JarTarget.GLIBCXX, glibcxx);
            a.putValue(JarTarget.CXXABI, cxxabi);
            a.putValue(JarTarget.TENSORFLOW, "false");
        }
        try (OutputStream os = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(os, m)) {
            jar.putNextEntry(new JarEntry("io/edgesight/README.txt"));
            jar.write("not a native".getBytes(StandardCharsets.UTF_8));
            for (String n : natives) {
                jar.putNextEntry(new JarEntry(n.substring(1)));
                jar.write(resource(n));
            }
        }
        return file;
    }

    @Test
    void aPlantedNewerNativeFailsTheJetPack4Floor(@TempDir Path tmp) throws Exception {
        Path jar = jar(tmp.resolve("edgesight-jetpack4.jar"), "2.27", "3.4.25", "1.3.11", TF_JNI);

        FloorCheck.Report r = FloorCheck.check(jar);

        assertThat(r.ok()).isFalse();
        assertThat(r.natives()).isEqualTo(1);
        assertThat(r.target().name()).isEqualTo("jetpack4");
        assertThat(r.newest().get(GlibcFloor.Family.GLIBC)).isEqualTo("2.34");
        assertThat(r.newestIn().get(GlibcFloor.Family.GLIBC)).isEqualTo("libjnitensorflow.so");
        assertThat(r.violations()).isNotEmpty().allMatch(v -> v.startsWith(TF_JNI.substring(1) + " needs "));
        assertThat(r.violations()).anyMatch(v -> v.contains("needs GLIBC_2.34 from libc.so.6 (floor 2.27)"));
        assertThat(r.violations()).anyMatch(v -> v.contains("needs GLIBCXX_3.4.29 from libstdc++.so.6 (floor 3.4.25)"));

        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = FloorCheck.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                jar.toString());
        assertThat(rc).isEqualTo(1);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("edgesight-jetpack4.jar [jetpack4 (JetPack 4.6)] floor GLIBC 2.27 / GLIBCXX 3.4.25 / CXXABI 1.3.11: 1 native,")
                .contains("FAILED").contains("ABOVE THE FLOOR " + TF_JNI.substring(1) + " needs GLIBC_2.34");
    }

    @Test
    void theSameNativesPassAFloorAtOrAboveTheirNeeds(@TempDir Path tmp) throws Exception {
        Path jar = jar(tmp.resolve("edgesight-x.jar"), "2.34", "3.4.29", "1.3.13", JAVACPP_JNI, TF_JNI);
        FloorCheck.Report r = FloorCheck.check(jar);
        assertThat(r.violations()).isEmpty();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(FloorCheck.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, jar.toString())).isZero();
        assertThat(r.natives()).isEqualTo(2);
        assertThat(r.newest()).containsEntry(GlibcFloor.Family.GLIBC, "2.34").containsEntry(GlibcFloor.Family.GLIBCXX, "3.4.29");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("GLIBCXX 3.4.29 (libjnitensorflow.so)")
                .endsWith(": OK" + System.lineSeparator());
    }

    @Test
    void aJarWithoutADeclaredFloorIsBadInput(@TempDir Path tmp) throws Exception {
        Path jar = jar(tmp.resolve("plain.jar"), null, null, null, JAVACPP_JNI);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = FloorCheck.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), jar.toString());
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
                .startsWith("floor-check: " + jar + ": the manifest declares no Edgesight-Target");
        assertThat(FloorCheck.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), tmp.resolve("missing.jar").toString()))
                .isEqualTo(2);
    }

    @Test
    void theElfReaderReadsWhatReadelfReads(@TempDir Path tmp) throws Exception {
        Tools.require(Path.of("/usr/bin/readelf"), "binutils");
        for (String n : List.of(TF_JNI, JAVACPP_JNI)) {
            Path so = Files.write(tmp.resolve(n.substring(n.lastIndexOf('/') + 1)), resource(n));
            TreeSet<String> ours = new TreeSet<>();
            ElfVersionNeeds.read(Files.readAllBytes(so)).forEach(need -> ours.add(need.toString()));
            assertThat(ours).as(n).isEqualTo(readelf(so)).isNotEmpty();
        }
    }

    @Test
    void aFolderSuchAsAnUnpackedJdkIsCheckedAgainstAGivenFloor(@TempDir Path tmp) throws Exception {
        Path jdk = Files.createDirectories(tmp.resolve("jdk-17/lib/server"));
        Files.write(jdk.resolve("libjvm.so"), resource(TF_JNI)); // stands in for a libjvm.so that needs GLIBC 2.34
        Files.writeString(tmp.resolve("jdk-17/release"), "JAVA_VERSION=\"17\"\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = FloorCheck.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                "--floor", "2.27/3.4.25/1.3.11", tmp.resolve("jdk-17").toString());
        assertThat(rc).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(": 1 native,")
                .contains("ABOVE THE FLOOR lib/server/libjvm.so needs GLIBC_2.34 from libc.so.6 (floor 2.27)");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(FloorCheck.run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), "--floor", "2.27", tmp.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("floor-check: --floor takes GLIBC/GLIBCXX/CXXABI");
    }

    @Test
    void notAnElfIsRefused() {
        byte[] text = "#!/bin/sh\necho not a library\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(ElfVersionNeeds.isElf(text)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ElfVersionNeeds.read(text))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void floorsCompareNumericallyAndIgnoreOtherFamilies() {
        GlibcFloor jetpack4 = new GlibcFloor("2.27", "3.4.25", "1.3.11");
        assertThat(jetpack4.allows("GLIBC_2.27")).isTrue();
        assertThat(jetpack4.allows("GLIBC_2.3.4")).isTrue();
        assertThat(jetpack4.allows("GLIBC_2.28")).isFalse();
        assertThat(jetpack4.allows("GLIBCXX_3.4.9")).isTrue();
        assertThat(jetpack4.allows("GLIBCXX_3.4.26")).isFalse();
        assertThat(jetpack4.allows("CXXABI_1.3.12")).isFalse();
        assertThat(jetpack4.allows("CXXABI_TM_1")).isTrue();
        assertThat(jetpack4.allows("GCC_7.0.0")).isTrue();
        assertThat(jetpack4.allows("GLIBC_PRIVATE")).isTrue();
    }

    /** "libc.so.6: GLIBC_2.34" lines of {@code readelf -V}'s version needs section. */
    static TreeSet<String> readelf(Path so) throws Exception {
        Process p = new ProcessBuilder("readelf", "-V", "-W", so.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        TreeSet<String> needs = new TreeSet<>();
        boolean inNeeds = false;
        String file = null;
        for (String l : lines) {
            if (l.startsWith("Version needs section")) { inNeeds = true; continue; }
            if (l.startsWith("Version") || l.isBlank()) { if (!l.isBlank()) inNeeds = false; continue; }
            if (!inNeeds) continue;
            java.util.regex.Matcher f = java.util.regex.Pattern.compile("File: (\\S+)").matcher(l);
            if (f.find()) { file = f.group(1); continue; }
            java.util.regex.Matcher n = java.util.regex.Pattern.compile("Name: (\\S+)").matcher(l);
            if (n.find()) needs.add(file + ": " + n.group(1));
        }
        return needs;
    }
}
