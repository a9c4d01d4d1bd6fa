package io.edgesight.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Part (d): time from launching {@code edgesight run} as a new process to its first prediction (the first line of
 * its JSON lines file), with an empty engine directory (cold: the engine is built) and again with the engine it
 * just built (cached). A process of its own each time, so no JIT, class loading or native library is shared.
 */
final class StartupPart {
    record Row(String model, String engine, double firstPredictionSeconds, long engineReadyMillis, double exitSeconds, int exitCode) {}

    /** EngineRegistry's line: load (cold: build) plus warm-up of the engine, inside the process. */
    private static final java.util.regex.Pattern READY = java.util.regex.Pattern.compile("engine '[^']+' ready in (\\d+) ms");

    private StartupPart() {}

    static List<Row> run(HarnessContext c, List<String> models) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String name : models) {
            Path engines = c.out().resolve("startup-engines-" + name);
            RunningApp.deleteTree(engines);
            for (String kind : List.of("cold", "cached")) {
                c.step(String.format("start-up %s, %s engine: new process to first prediction", name, kind));
                Row r;
                try {
                    r = once(c, name, kind, engines);
                } catch (Exception e) {
                    c.failed("start-up " + name + " " + kind, e);
                    continue;
                }
                rows.add(r);
                c.log().printf("    -> first prediction after %.2f s, engine ready in %d ms (process exited %d after %.2f s)%n",
                        r.firstPredictionSeconds(), r.engineReadyMillis(), r.exitCode(), r.exitSeconds());
            }
        }
        return rows;
    }

    private static Row once(HarnessContext c, String name, String kind, Path engines) throws Exception {
        Path outDir = Files.createTempDirectory("edgesight-bench-startup");
        Path log = c.out().resolve("startup-" + name + "-" + kind + ".log");
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("io.edgesight.cli.EdgesightCli");
            cmd.addAll(List.of("run", "--config", c.config().toString(), "--routes", c.routes().toString(), "--max-frames", "8"));
            Map<String, String> o = c.modelKeys(name);
            o.put("edgesight.engine.dir", engines.toString());
            o.put("edgesight.output.dir", outDir.toString());
            o.put("edgesight.cameras.sample.pacing", "fast");
            o.put("edgesight.mqtt.embedded.port", Integer.toString(RunningApp.freePort()));
            int http = RunningApp.freePort();
            o.put("camel.server.port", Integer.toString(http));
            o.put("camel.management.port", Integer.toString(http));
            o.forEach((k, v) -> {
                cmd.add("--set");
                cmd.add(k + "=" + v);
            });
            Path jsonl = outDir.resolve("sample.jsonl");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            double first = -1;
            long deadline = t0 + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline) {
                if (size(jsonl) > 0) {
                    first = (System.nanoTime() - t0) / 1e9;
                    break;
                }
                if (!p.isAlive()) break;
                Thread.sleep(5);
            }
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            }
            double exit = (System.nanoTime() - t0) / 1e9;
            if (first < 0) throw new IllegalStateException("start-up " + name + " (" + kind + "): no prediction; see " + log);
            java.util.regex.Matcher m = READY.matcher(Files.readString(log));
            long ready = m.find() ? Long.parseLong(m.group(1)) : -1;
            return new Row(name, kind, HarnessContext.round(first, 2), ready, HarnessContext.round(exit, 2), p.exitValue());
        } finally {
            RunningApp.deleteTree(outDir);
        }
    }

    private static long size(Path f) {
        try {
            return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static Table table(List<Row> rows) {
        Table t = new Table("model", "engine", "process start → first prediction s", "of which engine ready ms", "process exit s (8 frames)");
        for (Row r : rows) {
            t.row(r.model(), r.engine(), ThroughputPart.fmt(r.firstPredictionSeconds(), 2), r.engineReadyMillis(),
                    ThroughputPart.fmt(r.exitSeconds(), 2));
        }
        return t;
    }
}
