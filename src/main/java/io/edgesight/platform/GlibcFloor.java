package io.edgesight.platform;

import java.util.Locale;

/**
 * The oldest C and C++ runtime a jar's natives can load on: the newest {@code GLIBC_}, {@code GLIBCXX_} (libstdc++)
 * and {@code CXXABI_} symbol versions they may require. JetPack 4.6 (Ubuntu 18.04) is glibc 2.27 with the
 * libstdc++ of GCC 8 (GLIBCXX 3.4.25, CXXABI 1.3.11).
 */
public record GlibcFloor(String glibc, String glibcxx, String cxxabi) {

    /** The three symbol-version families a floor bounds, by their prefix in an ELF version need. */
    public enum Family {
        GLIBC("GLIBC_"), GLIBCXX("GLIBCXX_"), CXXABI("CXXABI_");

        final String prefix;

        Family(String prefix) { this.prefix = prefix; }

        /** The family of a version need name ("GLIBC_2.27"), or null for others (GCC_3.0, GLIBC_PRIVATE, ...). */
        public static Family of(String versionName) {
            for (Family f : values()) {
                if (versionName.startsWith(f.prefix) && isNumeric(versionName.substring(f.prefix.length()))) return f;
            }
            return null;
        }

        /** "2.27" of "GLIBC_2.27". */
        public String number(String versionName) { return versionName.substring(prefix.length()); }
    }

    public GlibcFloor {
        for (String v : new String[] {glibc, glibcxx, cxxabi}) {
            if (v == null || !isNumeric(v)) throw new IllegalArgumentException("not a dotted version number: " + v);
        }
    }

    /** The bound of one family. */
    public String of(Family f) {
        return switch (f) {
            case GLIBC -> glibc;
            case GLIBCXX -> glibcxx;
            case CXXABI -> cxxabi;
        };
    }

    /** Whether a version need ("GLIBCXX_3.4.29") is within this floor; needs of other families always are. */
    public boolean allows(String versionName) {
        Family f = Family.of(versionName);
        return f == null || compare(f.number(versionName), of(f)) <= 0;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "GLIBC %s / GLIBCXX %s / CXXABI %s", glibc, glibcxx, cxxabi);
    }

    /** -1, 0 or 1 comparing dotted numeric versions ("2.9" < "2.34", "3.4.9" < "3.4.25"). */
    public static int compare(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (p != q) return Integer.compare(p, q);
        }
        return 0;
    }

    static boolean isNumeric(String v) {
        return v.matches("\\d+(\\.\\d+)*");
    }
}
