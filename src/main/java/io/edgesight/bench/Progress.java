package io.edgesight.bench;

import java.io.PrintStream;

/** A one-line progress bar for long runs; only drawn on a terminal so logs and files stay clean. */
final class Progress {
    private static final boolean TTY = System.console() != null;

    private Progress() {}

    static void bar(PrintStream out, String what, int done, int total) {
        if (!TTY || total <= 0) return;
        int width = 30;
        int filled = (int) ((long) done * width / total);
        out.print("\r  " + what + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        if (done == total) clear(out);
    }

    static void clear(PrintStream out) {
        if (TTY) out.print("\r" + " ".repeat(60) + "\r");
    }
}
