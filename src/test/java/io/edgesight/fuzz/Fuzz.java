package io.edgesight.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import io.edgesight.config.UserError;

/**
 * Seeded random inputs for the parser fuzz tests (a plain JUnit harness: generate, mutate, check the outcome).
 * Every run uses the same seed, so a failure repeats; {@code -Dfuzz.seed=N} explores other inputs and
 * {@code -Dfuzz.tries=N} scales every test's number of tries. There is no shrinking: a failure prints its input.
 */
final class Fuzz {
    static final long SEED = Long.getLong("fuzz.seed", 1L);
    private static final double SCALE = Double.parseDouble(System.getProperty("fuzz.tries", "1"));

    /** Strings that break parsers more often than random bytes do. */
    static final List<String> TOKENS = List.of("", " ", "\n", "\r\n", "\t", "\0", "-1", "0", "1e999", "NaN", "-0",
            "99999999999999999999", "2147483648", "-2147483649", "\"", "'", "{", "}", "[", "]", ":", ",", "#", "&a", "*a",
            "!!binary", "!!java.io.File", "~", "null", "true", "---", "...", "- ", "? ", "|", ">", "%YAML 1.1", "\\u12",
            "\\", "=", "é", "\uD83D\uDE00", "\uFFFF", "--", "\u0085", "{{", "}}", "RAW(", "${", "#bean:x");

    interface Try {
        void run(SplittableRandom random, int index) throws Exception;
    }

    private Fuzz() {}

    /** Runs {@code body} {@code tries} times with a random source derived from the seed; names the try that failed. */
    static int tries(String what, int tries, Try body) {
        int n = Math.max(1, (int) Math.round(tries * SCALE));
        SplittableRandom root = new SplittableRandom(SEED ^ what.hashCode());
        for (int i = 0; i < n; i++) {
            SplittableRandom r = root.split();
            try {
                body.run(r, i);
            } catch (Throwable t) {
                throw new AssertionError(what + ": try " + i + " of " + n + " (seed " + SEED + ") failed: " + t, t);
            }
        }
        return n;
    }

    /**
     * The one acceptable way for a parser to refuse input: a UserError with a message a user can read on one line.
     * Returns the value, or null when refused; any other exception fails the test with the input.
     */
    static <T> T cleanOutcome(Callable<T> parse, Object input) {
        try {
            return parse.call();
        } catch (UserError e) {
            assertThat(e.getMessage()).as("message of a refused input %s", show(input)).isNotBlank().doesNotContain("\n");
            return null;
        } catch (Throwable t) {
            throw new AssertionError("input " + show(input) + " crashed the parser with " + t, t);
        }
    }

    static String show(Object input) {
        String s = input instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(input);
        s = s.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
        return s.length() > 600 ? "'" + s.substring(0, 600) + "'... (" + s.length() + " chars)" : "'" + s + "'";
    }

    // ------------------------------------------------------------------ generators and mutators

    static String token(SplittableRandom r) {
        return TOKENS.get(r.nextInt(TOKENS.size()));
    }

    /** A short string of random characters and tokens. */
    static String randomText(SplittableRandom r, int maxParts) {
        StringBuilder sb = new StringBuilder();
        int parts = r.nextInt(maxParts + 1);
        for (int i = 0; i < parts; i++) {
            switch (r.nextInt(4)) {
                case 0 -> sb.append(token(r));
                case 1 -> sb.append((char) (' ' + r.nextInt(95)));
                case 2 -> sb.append((char) r.nextInt(0x3000));
                default -> sb.append(Integer.toString(r.nextInt(-5, 100_000)));
            }
        }
        return sb.toString();
    }

    /** One to {@code maxEdits} random edits of a text: replace, insert or delete a run, insert a token, truncate. */
    static String mutate(SplittableRandom r, String text, int maxEdits) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + r.nextInt(maxEdits);
        for (int e = 0; e < edits; e++) {
            int at = sb.length() == 0 ? 0 : r.nextInt(sb.length() + 1);
            switch (r.nextInt(6)) {
                case 0 -> sb.insert(at, token(r));
                case 1 -> sb.insert(at, randomText(r, 3));
                case 2 -> sb.delete(at, Math.min(sb.length(), at + 1 + r.nextInt(12)));
                case 3 -> {
                    if (at < sb.length()) sb.setCharAt(at, (char) (' ' + r.nextInt(95)));
                }
                case 4 -> { // duplicate a run (repeated keys, nested blocks)
                    int end = Math.min(sb.length(), at + r.nextInt(40));
                    sb.insert(at, sb.substring(at, end));
                }
                default -> {
                    if (r.nextInt(4) == 0) sb.setLength(at); // truncated file
                }
            }
        }
        return sb.toString();
    }

    /** Byte-level edits: flip, insert, delete, truncate. */
    static byte[] mutate(SplittableRandom r, byte[] data, int maxEdits) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] d = data.clone();
        int edits = 1 + r.nextInt(maxEdits);
        for (int e = 0; e < edits; e++) {
            if (d.length == 0) break;
            int at = r.nextInt(d.length);
            switch (r.nextInt(4)) {
                case 0 -> d[at] = (byte) r.nextInt(256);
                case 1 -> {
                    byte[] ins = token(r).getBytes(StandardCharsets.UTF_8);
                    out.reset();
                    out.write(d, 0, at);
                    out.writeBytes(ins);
                    out.write(d, at, d.length - at);
                    d = out.toByteArray();
                }
                case 2 -> {
                    int len = Math.min(d.length - at, 1 + r.nextInt(16));
                    out.reset();
                    out.write(d, 0, at);
                    out.write(d, at + len, d.length - at - len);
                    d = out.toByteArray();
                }
                default -> {
                    if (r.nextInt(3) == 0) d = java.util.Arrays.copyOf(d, at);
                }
            }
        }
        return d;
    }
}
