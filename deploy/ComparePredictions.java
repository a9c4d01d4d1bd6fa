// Compares two edgesight JSON-lines outputs frame by frame (same seq): top-1 label must be equal, and every
// score of a class reported in both must agree within a tolerance. Used by deploy/arm64-emulation-check.sh.
//
//   java -cp target/edgesight.jar deploy/ComparePredictions.java REFERENCE.jsonl CANDIDATE.jsonl FRAMES TOLERANCE
//
// Single-file Java program (Java 11+ source launcher); Jackson comes from the edgesight jar on the class path.
// Exit code 0 when equal within tolerance, 1 otherwise. Prints one summary line starting with "compare:".

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

public class ComparePredictions {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ComparePredictions REFERENCE.jsonl CANDIDATE.jsonl FRAMES TOLERANCE");
            System.exit(2);
        }
        Map<Long, JsonNode> ref = read(Path.of(args[0]));
        Map<Long, JsonNode> cand = read(Path.of(args[1]));
        int frames = Integer.parseInt(args[2]);
        double tol = Double.parseDouble(args[3]);

        List<String> errors = new ArrayList<>();
        if (ref.size() != frames) errors.add(args[0] + " has " + ref.size() + " frames, expected " + frames);
        if (cand.size() != frames) errors.add(args[1] + " has " + cand.size() + " frames, expected " + frames);
        if (!ref.keySet().equals(cand.keySet())) errors.add("different seqs: " + ref.keySet() + " vs " + cand.keySet());

        int compared = 0, top1Agree = 0;
        double maxTop1 = 0, maxAny = 0, maxGap = 0, minTop1 = 1;
        long maxTop1Seq = -1, maxAnySeq = -1;
        TreeSet<String> classes = new TreeSet<>();
        for (Map.Entry<Long, JsonNode> e : ref.entrySet()) {
            JsonNode c = cand.get(e.getKey());
            if (c == null) continue;
            compared++;
            JsonNode rp = e.getValue().path("predictions"), cp = c.path("predictions");
            if (rp.size() == 0 || cp.size() == 0) {
                errors.add("seq " + e.getKey() + ": no predictions");
                continue;
            }
            String rl = rp.get(0).path("label").asText(), cl = cp.get(0).path("label").asText();
            classes.add(rl);
            if (rl.equals(cl)) {
                top1Agree++;
            } else {
                errors.add("seq " + e.getKey() + ": top-1 " + rl + " vs " + cl);
            }
            double r1 = rp.get(0).path("score").asDouble(), c1 = cp.get(0).path("score").asDouble();
            minTop1 = Math.min(minTop1, Math.min(r1, c1));
            double d1 = Math.abs(r1 - c1);
            if (d1 > maxTop1) { maxTop1 = d1; maxTop1Seq = e.getKey(); }
            for (JsonNode r : rp) {
                for (JsonNode k : cp) {
                    if (r.path("classId").asInt() != k.path("classId").asInt()) continue;
                    double d = Math.abs(r.path("score").asDouble() - k.path("score").asDouble());
                    if (d > maxAny) { maxAny = d; maxAnySeq = e.getKey(); }
                    // log(p_k / p_top1) is the logit gap: how far the network outputs themselves moved
                    double rs = r.path("score").asDouble(), ks = k.path("score").asDouble();
                    if (rl.equals(cl) && rs > 0 && ks > 0 && r1 > 0 && c1 > 0) {
                        maxGap = Math.max(maxGap, Math.abs(Math.log(rs / r1) - Math.log(ks / c1)));
                    }
                    if (d > tol) {
                        errors.add("seq " + e.getKey() + " class " + r.path("label").asText() + ": score "
                                + r.path("score").asDouble() + " vs " + k.path("score").asDouble() + " (diff " + d + " > " + tol + ")");
                    }
                }
            }
        }
        System.out.printf("compare: frames=%d top1_agree=%d/%d max_top1_score_diff=%.3e (seq %d) "
                        + "max_any_score_diff=%.3e (seq %d) tolerance=%.1e min_top1_score=%.6f max_logit_gap_diff=%.3f "
                        + "classes=%s%n",
                compared, top1Agree, compared, maxTop1, maxTop1Seq, maxAny, maxAnySeq, tol, minTop1, maxGap, classes);
        if (!errors.isEmpty()) {
            errors.stream().limit(20).forEach(m -> System.out.println("compare: MISMATCH " + m));
            System.exit(1);
        }
    }

    static Map<Long, JsonNode> read(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<Long, JsonNode> bySeq = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            if (bySeq.put(n.path("seq").asLong(), n) != null) {
                throw new IllegalStateException(file + ": seq " + n.path("seq").asLong() + " appears twice");
            }
        }
        return bySeq;
    }
}
