package io.edgesight.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every part of {@code bench pipeline} shares: where the configuration, routes and results are, how long to
 * run ({@code quick}), the keys that turn the configured "sample" model into each benchmark model, and the step
 * counter behind the progress lines.
 */
record HarnessContext(Path config, Path routes, Path out, boolean quick, Integer threads, Path resnet50, Path video,
                      PrintStream log, AtomicInteger step, int totalSteps, java.util.List<String> failures) {

    /** The routes run the "sample" model id; a benchmark model is that id pointed at another model. */
    static final String MODEL = "sample";

    /** Configuration keys for benchmark model {@code name} (sample: the configured one; resnet50: the generated one). */
    Map<String, String> modelKeys(String name) {
        Map<String, String> o = new LinkedHashMap<>();
        String p = "edgesight.models." + MODEL + ".";
        if (name.equals("resnet50")) {
            o.put(p + "path", resnet50.toString());
            o.put(p + "labels", ""); // 1000 classes, no label file: class ids
            o.put(p + "normalize", "unit");
            o.put(p + "channel-order", "RGB");
            o.put(p + "decoder", "classification");
            o.put(p + "resize", "stretch");
        }
        if (threads != null) o.put(p + "threads", threads.toString());
        o.put("edgesight.engine.dir", out.resolve("engines").toString());
        return o;
    }

    /** Prints "[k/N] what" and returns k. */
    int step(String what) {
        int k = step.incrementAndGet();
        log.printf("[%d/%d] %s%n", k, totalSteps, what);
        log.flush();
        return k;
    }

    /** A step that failed: reported, kept for pipeline.json, and the harness goes on with the next step. */
    void failed(String what, Exception e) {
        String line = what + ": " + e.getMessage();
        failures.add(line);
        log.println("    -> FAILED: " + line);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
