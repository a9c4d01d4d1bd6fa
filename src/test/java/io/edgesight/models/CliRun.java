package io.edgesight.models;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.edgesight.cli.EdgesightCli;

/** Runs the CLI in this JVM and captures what it prints. */
record CliRun(int exit, String out, String err) {
    static synchronized CliRun of(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = EdgesightCli.execute(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The lines edgesight itself printed to stderr (TensorFlow's native logging goes to fd 2 directly). */
    java.util.List<String> errorLines() {
        return err.lines().filter(l -> l.startsWith("edgesight: ")).toList();
    }
}
