package io.edgesight.platform;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The symbol versions an ELF shared library requires from other libraries ({@code readelf -V}'s "Version needs"
 * section, {@code SHT_GNU_verneed}): e.g. {@code libc.so.6: GLIBC_2.27}. These are what the dynamic linker checks
 * when it loads the library, so they decide the oldest system it loads on. 32- and 64-bit, either byte order.
 */
public final class ElfVersionNeeds {
    private static final int SHT_GNU_VERNEED = 0x6ffffffe;

    /** One required version: the library it must come from and its name. */
    public record Need(String file, String version) {
        @Override
        public String toString() { return file + ": " + version; }
    }

    private ElfVersionNeeds() {}

    /** Whether the bytes start with the ELF magic number. */
    public static boolean isElf(byte[] b) {
        return b.length >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    /** The version needs of an ELF file; an IllegalArgumentException when it is not a well-formed ELF. */
    public static List<Need> read(byte[] bytes) {
        if (!isElf(bytes) || bytes.length < 52) throw new IllegalArgumentException("not an ELF file");
        boolean is64 = bytes[4] == 2;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(bytes[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        try {
            long shoff = is64 ? b.getLong(0x28) : Integer.toUnsignedLong(b.getInt(0x20));
            int shentsize = Short.toUnsignedInt(b.getShort(is64 ? 0x3a : 0x2e));
            int shnum = Short.toUnsignedInt(b.getShort(is64 ? 0x3c : 0x30));
            List<Need> needs = new ArrayList<>();
            for (int i = 0; i < shnum; i++) {
                int sh = Math.toIntExact(shoff + (long) i * shentsize);
                if (b.getInt(sh + 4) != SHT_GNU_VERNEED) continue;
                long offset = is64 ? b.getLong(sh + 0x18) : Integer.toUnsignedLong(b.getInt(sh + 0x10));
                int link = b.getInt(is64 ? sh + 0x28 : sh + 0x18);
                int count = b.getInt(is64 ? sh + 0x2c : sh + 0x1c);
                int strSh = Math.toIntExact(shoff + (long) link * shentsize);
                long strOff = is64 ? b.getLong(strSh + 0x18) : Integer.toUnsignedLong(b.getInt(strSh + 0x10));
                // Elf_Verneed: vn_version(2) vn_cnt(2) vn_file(4) vn_aux(4) vn_next(4); Elf_Vernaux: vna_hash(4)
                // vna_flags(2) vna_other(2) vna_name(4) vna_next(4). Same layout in 32- and 64-bit files.
                int vn = Math.toIntExact(offset);
                for (int e = 0; e < count; e++) {
                    int cnt = Short.toUnsignedInt(b.getShort(vn + 2));
                    String file = string(bytes, strOff + Integer.toUnsignedLong(b.getInt(vn + 4)));
                    int aux = vn + b.getInt(vn + 8);
                    for (int a = 0; a < cnt; a++) {
                        needs.add(new Need(file, string(bytes, strOff + Integer.toUnsignedLong(b.getInt(aux + 8)))));
                        aux += b.getInt(aux + 12);
                    }
                    int next = b.getInt(vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }
            return needs;
        } catch (IndexOutOfBoundsException | ArithmeticException e) {
            throw new IllegalArgumentException("truncated or malformed ELF file", e);
        }
    }

    private static String string(byte[] bytes, long at) {
        int start = Math.toIntExact(at);
        int end = start;
        while (bytes[end] != 0) end++;
        return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
    }
}
