package io.edgesight.jmh;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a JMH JSON result (-rf json -rff FILE) of the three benchmarks and prints the per-frame overhead as a share
 * of the inference time per frame (engine run / batch size): camera side (decode + resize + normalise), the JPEG
 * copy for latest.jpg, and the output side (decode + JSON + MQTT QoS 1 publish + JSON line). Each time is the best
 * measurement iteration of its benchmark, so that bursts of other processes on a shared machine do not count.
 * Usage: {@code java -cp target/edgesight-jmh.jar io.edgesight.jmh.Shares target/jmh.json}
 */
public final class Shares {
    private Shares() {}

    public static void main(String[] args) throws Exception {
        JsonNode results = new ObjectMapper().readTree(new File(args.length > 0 ? args[0] : "target/jmh.json"));
        Map<String, Double> ms = new HashMap<>();
        for (JsonNode r : results) {
            String name = r.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1); // Class.method
            StringBuilder key = new StringBuilder(name);
            r.path("params").properties().forEach(e -> key.append(' ').append(e.getKey()).append('=').append(e.getValue().asText()));
            // the best one-second iteration: on a shared machine the mean mixes in other processes' bursts
            double best = Double.MAX_VALUE;
            for (JsonNode fork : r.get("primaryMetric").get("rawData")) {
                for (JsonNode it : fork) best = Math.min(best, it.asDouble());
            }
            ms.put(key.toString(), best);
        }
        System.out.println("| model | batch | source | inference ms/frame | decode+resize+normalise ms (share) "
                + "| latest.jpg copy ms (share) | decode+JSON+publish+line ms (share) | all overhead / inference |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|");
        String[][] models = {{"sample", "64", "4"}, {"resnet50", "224", "1000"}};
        for (String[] m : models) {
            for (int batch : new int[] {1, 4}) {
                Double run = ms.get("InferenceBenchmark.run batch=" + batch + " model=" + m[0]);
                if (run == null) continue;
                double perFrame = run / batch;
                Double out = ms.get("OutputBenchmark.all classes=" + m[2]);
                for (String source : new String[] {"640x480", "1280x720", "1920x1080"}) {
                    Double cam = ms.get("PreprocessBenchmark.decodeResizeNormalise input=" + m[1] + " source=" + source);
                    // keepFrame: what FrameStore.keep costs; keepJpeg: what it cost before it kept pixels
                    Double jpeg = ms.getOrDefault("PreprocessBenchmark.keepFrame input=" + m[1] + " source=" + source,
                            ms.get("PreprocessBenchmark.keepJpeg input=" + m[1] + " source=" + source));
                    if (cam == null || jpeg == null || out == null) continue;
                    System.out.printf("| %s | %d | %s | %.3f | %.3f (%s) | %.3f (%s) | %.3f (%s) | %s |%n", m[0], batch, source,
                            perFrame, cam, pct(cam, perFrame), jpeg, pct(jpeg, perFrame), out, pct(out, perFrame),
                            pct(cam + jpeg + out, perFrame));
                }
            }
        }
    }

    private static String pct(double part, double whole) {
        double p = 100 * part / whole;
        return p >= 100 ? String.format("%.1fx", p / 100) : String.format("%.1f %%", p);
    }
}
