package io.edgesight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand of the command line answers --help with its usage and exit code 0. */
class HelpTest {

    @Test
    void everyCommandAnswersHelpWithExitZero() {
        List<List<String>> commands = new ArrayList<>();
        collect(new CommandLine(new EdgesightCli()), new ArrayList<>(), commands);
        assertThat(commands).as("commands found").hasSizeGreaterThan(15)
                .contains(List.of("bench"), List.of("bench", "pipeline"), List.of("engine", "build"), List.of("run"));
        PrintStream out = System.out;
        try {
            for (List<String> c : commands) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                List<String> args = new ArrayList<>(c);
                args.add("--help");
                int exit = EdgesightCli.execute(args.toArray(String[]::new));
                String help = buf.toString(StandardCharsets.UTF_8);
                assertThat(exit).as("edgesight %s --help", String.join(" ", c)).isZero();
                assertThat(help).as("edgesight %s --help", String.join(" ", c)).contains("Usage:").contains(c.get(c.size() - 1));
                assertThat(help).as("help text speaks of the product, not of its history").doesNotContainIgnoringCase("seed's");
            }
        } finally {
            System.setOut(out);
        }
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (!e.getKey().equals(e.getValue().getCommandName())) continue; // an alias
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }
}
