package io.edgesight.architecture;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependencies of compiled classes, read from their constant pools: every class a class file refers to
 * (class entries, and the types in field, method and annotation descriptors and generic signatures). String
 * literals are not references, so a class name written in a message or a command line is no dependency.
 */
final class PackageDependencies {
    private static final Pattern TYPE = Pattern.compile("L(io/edgesight/[A-Za-z0-9_/$]+)[;<]");

    private PackageDependencies() {}

    /** package -> the io.edgesight packages its classes use (itself excluded), with one example class each. */
    static Map<String, Map<String, String>> of(Path classes) throws IOException {
        Map<String, Map<String, String>> deps = new TreeMap<>();
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                if (!name.startsWith("io/edgesight/")) continue;
                String pkg = packageOf(name);
                Map<String, String> mine = deps.computeIfAbsent(pkg, k -> new TreeMap<>());
                try (InputStream in = Files.newInputStream(f)) {
                    for (String used : referencedClasses(in)) {
                        if (!used.startsWith("io/edgesight/")) continue;
                        String p = packageOf(used);
                        if (!p.equals(pkg)) mine.putIfAbsent(p, name.replace(".class", "") + " -> " + used);
                    }
                }
            }
        }
        return deps;
    }

    static String packageOf(String internalName) {
        return internalName.substring(0, internalName.lastIndexOf('/')).replace('/', '.');
    }

    /** Internal names (a/b/C) of the classes a class file refers to. */
    static Set<String> referencedClasses(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
        in.readUnsignedShort();
        in.readUnsignedShort();
        int n = in.readUnsignedShort();
        String[] utf8 = new String[n];
        List<Integer> classIndexes = new ArrayList<>();
        Set<Integer> stringIndexes = new HashSet<>();
        for (int i = 1; i < n; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classIndexes.add(in.readUnsignedShort());
                case 8 -> stringIndexes.add(in.readUnsignedShort());
                case 16, 19, 20 -> in.readUnsignedShort(); // method type (its descriptor is scanned below), module, package
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        Set<String> out = new TreeSet<>();
        for (int idx : classIndexes) {
            String c = utf8[idx];
            if (c == null) continue;
            if (c.startsWith("[")) scan(c, out);
            else out.add(c);
        }
        // every other UTF8 entry that is not a string literal: descriptors and signatures of fields, methods, annotations
        for (int i = 1; i < n; i++) {
            if (utf8[i] != null && !stringIndexes.contains(i)) scan(utf8[i], out);
        }
        return out;
    }

    private static void scan(String descriptor, Set<String> out) {
        Matcher m = TYPE.matcher(descriptor);
        while (m.find()) out.add(m.group(1));
    }
}
