package io.edgesight.cascade;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgesight.engine.BatchMemory;
import io.edgesight.engine.Engine;
import io.edgesight.engine.EngineRegistry;
import io.edgesight.engine.InferredFrame;
import io.edgesight.engine.Outputs;
import io.edgesight.predict.Box;
import io.edgesight.predict.Classification;
import io.edgesight.predict.Decoder;
import io.edgesight.predict.Decoders;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import io.edgesight.preprocess.PreparedFrame;
import io.edgesight.preprocess.Resizer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a parent model's batch and runs its cascades: the crops of every matching detection of every frame of
 * the batch (whatever camera it came from) go through the child's engine in batches of its batch size, each crop
 * resized as the child's resize mode says; then the child's own cascades on its detections, and so on. Results
 * are nested under the detection whose crop they came from, boxes in camera-frame pixels.
 */
final class CascadeRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CascadeRunner.class);

    private final Cascades cascades;
    private final EngineRegistry engines;
    private final Decoders decoders;
    private final String node;
    private final Map<String, Prediction.EngineInfo> engineInfo = new java.util.concurrent.ConcurrentHashMap<>();

    CascadeRunner(Cascades cascades, EngineRegistry engines, Decoders decoders, String node) {
        this.cascades = cascades;
        this.engines = engines;
        this.decoders = decoders;
        this.node = node;
    }

    /** A detection (or classification) and what its cascades found, per child model. */
    private static final class Node {
        final int frame;
        final PredictionItem item;
        final Map<String, CascadedItem.Batch> batches = new LinkedHashMap<>();
        final Map<String, List<Node>> children = new LinkedHashMap<>();

        Node(int frame, PredictionItem item) {
            this.frame = frame;
            this.item = item;
        }

        PredictionItem toItem() {
            if (children.isEmpty()) return item;
            Map<String, CascadedItem.Result> results = new LinkedHashMap<>();
            children.forEach((model, nodes) -> results.put(model,
                    new CascadedItem.Result(batches.get(model), nodes.stream().map(Node::toItem).toList())));
            return new CascadedItem(item.label(), item.classId(), item.score(), item.box(), results);
        }
    }

    /** The payloads of a parent model's batch, cascades included. */
    List<Prediction> run(String parent, List<InferredFrame> frames) {
        int n = frames.size();
        Mat[] sources = new Mat[n];
        try {
            for (int i = 0; i < n; i++) sources[i] = cascades.take(frames.get(i).frame().cameraId(), frames.get(i).frame().seq());
            Decoder decoder = decoders.decoder(parent);
            List<List<Node>> roots = new ArrayList<>();
            List<Node> all = new ArrayList<>();
            long[] decodeNanos = new long[n];
            List<Decoder.Decoded> decoded = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                Decoder.Decoded d = decoder.decode(frames.get(i));
                decodeNanos[i] = System.nanoTime() - t0;
                decoded.add(d);
                List<Node> nodes = new ArrayList<>();
                for (PredictionItem it : d.predictions()) nodes.add(new Node(i, it));
                roots.add(nodes);
                all.addAll(nodes);
            }
            runChildren(parent, all, frames, sources);
            List<Prediction> out = new ArrayList<>(n);
            Prediction.EngineInfo info = engineInfo.computeIfAbsent(parent, m -> new Prediction.EngineInfo(engines.engineId(m),
                    engines.engine(m).runtime(), engines.spec(m).precision().toString()));
            for (int i = 0; i < n; i++) {
                List<PredictionItem> items = roots.get(i).stream().map(Node::toItem).toList();
                out.add(Prediction.of(node, frames.get(i), new Decoder.Decoded(items, decoded.get(i).outputs()), info, decodeNanos[i]));
            }
            return out;
        } finally {
            for (Mat m : sources) if (m != null) m.close();
        }
    }

    private void runChildren(String model, List<Node> nodes, List<InferredFrame> frames, Mat[] sources) {
        for (CascadeSpec c : cascades.childrenOf(model)) {
            List<Node> targets = new ArrayList<>();
            for (Node nd : nodes) {
                if (nd.item.box() != null && c.labels().contains(nd.item.label()) && sources[nd.frame] != null) targets.add(nd);
            }
            if (targets.isEmpty()) continue;
            List<Node> found = new ArrayList<>();
            try {
                found = runOn(c.child(), targets, frames, sources);
            } catch (RuntimeException e) {
                LOG.warn("cascade {}: {} crops not run: {}", c, targets.size(), e.getMessage());
            }
            runChildren(c.child(), found, frames, sources);
        }
    }

    /** Runs {@code child} on the crops of {@code targets}; returns the child's results as nodes of their own. */
    private List<Node> runOn(String child, List<Node> targets, List<InferredFrame> frames, Mat[] sources) {
        Engine e = engines.engine(child);
        Decoder decoder = decoders.decoder(child);
        Cascades.Counter counter = cascades.counter(child);
        int size = e.batchSize();
        List<Node> found = new ArrayList<>();
        for (int from = 0; from < targets.size(); from += size) {
            List<Node> chunk = targets.subList(from, Math.min(targets.size(), from + size));
            int[][] origin = new int[chunk.size()][];
            PreparedFrame[] crops = new PreparedFrame[chunk.size()];
            Outputs outputs;
            long t0 = System.nanoTime(), t1;
            synchronized (e) { // a child can be shared by several parents' infer threads
                try (BatchMemory batch = e.allocateBatch(size)) {
                    for (int k = 0; k < chunk.size(); k++) {
                        Node t = chunk.get(k);
                        Mat src = sources[t.frame];
                        Box b = t.item.box();
                        int x = clamp((int) Math.floor(b.x1()), src.cols() - 1), y = clamp((int) Math.floor(b.y1()), src.rows() - 1);
                        int w = Math.max(1, clamp((int) Math.ceil(b.x2()), src.cols()) - x);
                        int h = Math.max(1, clamp((int) Math.ceil(b.y2()), src.rows()) - y);
                        origin[k] = new int[] {x, y};
                        try (Rect r = new Rect(x, y, w, h); Mat roi = new Mat(src, r)) {
                            Resizer.Resized small = Resizer.resize(roi, e.width(), e.height(), e.spec().resize());
                            try (Mat m = small.image()) {
                                e.writer().write(m, batch.address() + k * e.writer().rowBytes());
                            }
                            PreparedFrame f = frames.get(t.frame).frame();
                            crops[k] = new PreparedFrame(f.cameraId(), f.seq(), f.captureEpochMillis(), f.captureNanos(), null,
                                    small.transform(), 0);
                        }
                    }
                    t1 = System.nanoTime();
                    outputs = e.runAll(batch, chunk.size());
                }
            }
            long t2 = System.nanoTime();
            counter.crops.addAndGet(chunk.size());
            counter.runs.incrementAndGet();
            counter.rows.addAndGet(size);
            counter.nanos.addAndGet(t2 - t0);
            CascadedItem.Batch info = new CascadedItem.Batch(size, chunk.size());
            long now = System.currentTimeMillis();
            for (int k = 0; k < chunk.size(); k++) {
                Node t = chunk.get(k);
                InferredFrame in = new InferredFrame(child, crops[k], outputs.get(e.outputName()).row(k), size, chunk.size(),
                        0, 0, t2 - t1, now, outputs, k);
                List<Node> results = new ArrayList<>();
                for (PredictionItem it : decoder.decode(in).predictions()) {
                    Node r = new Node(t.frame, shifted(it, origin[k][0], origin[k][1]));
                    results.add(r);
                    found.add(r);
                }
                t.children.put(child, results);
                t.batches.put(child, info);
            }
        }
        return found;
    }

    /** A crop's prediction in camera-frame pixels. */
    private static PredictionItem shifted(PredictionItem it, int dx, int dy) {
        Box b = it.box();
        if (b == null) return new Classification(it.label(), it.classId(), it.score());
        return new CascadedItem(it.label(), it.classId(), it.score(),
                new Box(round(b.x1() + dx), round(b.y1() + dy), round(b.x2() + dx), round(b.y2() + dy)), null);
    }

    private static double round(double v) { return Math.round(v * 10) / 10.0; }

    private static int clamp(int v, int max) { return Math.max(0, Math.min(max, v)); }
}
