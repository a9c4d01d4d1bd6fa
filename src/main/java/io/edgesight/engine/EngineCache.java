package io.edgesight.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.edgesight.config.UserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Engines built once per machine and batch size, cached as {@code <dir>/<model>-b<batch>-<precision>-<fingerprint>/}
 * (the engine's model files plus {@code manifest.json}), loaded fast afterwards. Built in a temporary directory and
 * renamed into place, under a lock file so two processes never build the same engine; a corrupt or mismatched
 * engine is rebuilt, never used. The runtime is the model's ({@link EngineRuntime}): a copy of the SavedModel for
 * TensorFlow, the optimised model ONNX Runtime wrote for this machine for a {@code .onnx} model.
 */
public final class EngineCache {
    private static final Logger LOG = LoggerFactory.getLogger(EngineCache.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final int FORMAT = 1;
    static final String MANIFEST = "manifest.json";
    static final String MODEL_DIR = TfRuntime.MODEL_DIR;

    private final EngineOptions options;

    public EngineCache(EngineOptions options) {
        this.options = options;
    }

    /** A loaded engine, where it lives, and whether this call built it. */
    public record Prepared(Engine engine, Path dir, JsonNode manifest, boolean built) {}

    public Prepared prepare(ModelSpec spec) {
        EngineRuntime rt = EngineRuntime.of(spec, options);
        rt.checkModel(spec);
        long t0 = System.nanoTime();
        String id = spec.id();
        boolean trt = rt.tensorRt(options.tensorrt());
        stage(id, "hashing model files", t0);
        String modelHash = rt.hashModel(spec);
        String inputs = fingerprintInputs(spec, rt, modelHash, trt);
        String fingerprint = sha256(inputs.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String name = sanitize(id) + "-b" + spec.batchSize() + "-" + spec.precision() + "-" + fingerprint.substring(0, 12);
        Path root = ensureWritable(options.dir());
        Path dir = root.resolve(name);

        Prepared cached = tryLoad(spec, rt, dir, fingerprint, inputs, trt, t0);
        if (cached != null) return cached;
        try (FileChannel ch = FileChannel.open(root.resolve(name + ".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             FileLock lock = lockWithNotice(ch, id, t0)) {
            cached = tryLoad(spec, rt, dir, fingerprint, inputs, trt, t0); // another process may have built it meanwhile
            if (cached != null) return cached;
            build(spec, rt, root, dir, name, fingerprint, inputs, modelHash, trt, t0);
        } catch (IOException e) {
            throw new UserError("engine '" + id + "': cannot build in " + root.toAbsolutePath() + " (" + e.getMessage()
                    + "); check edgesight.engine.dir");
        }
        Prepared p = tryLoad(spec, rt, dir, fingerprint, inputs, trt, t0);
        if (p == null) throw new EngineException("engine '" + id + "': the engine just built in " + dir + " does not verify");
        return new Prepared(p.engine(), p.dir(), p.manifest(), true);
    }

    private static FileLock lockWithNotice(FileChannel ch, String id, long t0) throws IOException {
        FileLock lock = ch.tryLock();
        if (lock != null) return lock;
        stage(id, "another process is building this engine; waiting for it", t0);
        return ch.lock();
    }

    /** Loads a valid cached engine, or returns null after removing an invalid one. */
    private Prepared tryLoad(ModelSpec spec, EngineRuntime rt, Path dir, String fingerprint, String inputs, boolean trt,
                             long t0) {
        if (!Files.isDirectory(dir)) return null;
        String problem = verifyFiles(dir, fingerprint, rt);
        if (problem == null) problem = builtElsewhere(dir, inputs);
        JsonNode manifest = null;
        Engine engine = null;
        if (problem == null) {
            try {
                manifest = JSON.readTree(dir.resolve(MANIFEST).toFile());
                stage(spec.id(), "loading cached engine " + dir.getFileName(), t0);
                engine = rt.load(spec, dir.resolve(rt.modelDir()), trt);
                String digest = outputDigest(engine);
                if (!digest.equals(manifest.path("outputDigest").asText())) {
                    problem = "its outputs on the fixed check input differ from the manifest";
                }
            } catch (IOException | RuntimeException e) {
                problem = "it does not load (" + e.getMessage() + ")";
            }
        }
        if (problem != null) {
            if (engine != null) engine.close();
            LOG.warn("engine '{}': cached engine {} is not usable: {}; rebuilding it", spec.id(), dir.getFileName(), problem);
            deleteTree(dir);
            return null;
        }
        LOG.info("engine '{}' loaded from cache {} in {} ms (built {})", spec.id(), dir, ms(t0), manifest.path("buildTime").asText());
        return new Prepared(engine, dir, manifest, false);
    }

    /** Null when the manifest parses, matches the spec and every file has the recorded hash. */
    static String verifyFiles(Path dir, String fingerprint, EngineRuntime rt) {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(m)) return "it has no manifest";
        JsonNode manifest;
        try {
            manifest = JSON.readTree(m.toFile());
        } catch (IOException e) {
            return "its manifest is not valid JSON";
        }
        if (manifest == null || !fingerprint.equals(manifest.path("fingerprint").asText())) {
            return "its manifest is for another model or spec";
        }
        JsonNode files = manifest.path("files");
        if (!files.isObject() || files.isEmpty()) return "its manifest lists no files";
        for (var it = files.fields(); it.hasNext(); ) {
            var f = it.next();
            Path p = dir.resolve(rt.modelDir()).resolve(f.getKey());
            if (!Files.isRegularFile(p)) return "file " + f.getKey() + " is missing";
            if (!f.getValue().asText().equals(sha256(p))) return "file " + f.getKey() + " has changed";
        }
        return null;
    }

    private void build(ModelSpec spec, EngineRuntime rt, Path root, Path dir, String name, String fingerprint,
                       String inputs, String modelHash, boolean trt, long t0) throws IOException {
        String id = spec.id();
        cleanStaleTemps(root, name);
        Path tmp = Files.createTempDirectory(root, ".tmp-" + name + "-");
        boolean done = false;
        try {
            stage(id, "building engine " + name + " (batch " + spec.batchSize() + ", " + spec.precision() + ", "
                    + buildKind(rt, trt) + ")", t0);
            Path target = tmp.resolve(rt.modelDir());
            Files.createDirectories(target);
            rt.install(spec, target, trt, t0);
            Map<String, Object> manifest;
            try (Engine engine = rt.load(spec, target, trt)) {
                stage(id, "warming up with a batch of exactly " + spec.batchSize(), t0);
                long warm = engine.warmUp();
                Map<String, Object> tensorrt = rt.check(engine, trt, t0);
                stage(id, "measuring latency and the output digest", t0);
                long[] lat = new long[10];
                try (BatchMemory t = checkInput(engine)) {
                    for (int i = 0; i < lat.length; i++) {
                        long s = System.nanoTime();
                        engine.run(t, spec.batchSize());
                        lat[i] = System.nanoTime() - s;
                    }
                }
                String digest = outputDigest(engine);
                Map<String, String> files = new LinkedHashMap<>();
                for (Map.Entry<String, Path> f : listFiles(target).entrySet()) {
                    if (rt.verified(f.getKey())) files.put(f.getKey(), sha256(f.getValue()));
                }
                manifest = manifest(spec, rt, engine, name, fingerprint, modelHash, files, trt, tensorrt, warm, lat,
                        digest, ms(t0));
                manifest.put("fingerprintInputs", List.of(inputs.split("\n")));
            }
            JSON.writeValue(tmp.resolve(MANIFEST).toFile(), manifest);
            if (Files.exists(dir)) deleteTree(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            stage(id, "engine built: " + dir, t0);
        } finally {
            if (!done) deleteTree(tmp);
        }
    }

    private static String buildKind(EngineRuntime rt, boolean trt) {
        if (rt instanceof TfRuntime) return trt ? "TF-TRT" : "native TensorFlow";
        if (rt instanceof TrtRuntime) return "TensorRT";
        return "ONNX Runtime " + rt.device(trt);
    }

    private Map<String, Object> manifest(ModelSpec spec, EngineRuntime rt, Engine e, String name, String fingerprint,
                                         String modelHash, Map<String, String> files, boolean trt,
                                         Map<String, Object> tensorrt, long warmNanos, long[] latency, String digest,
                                         long buildMillis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("name", name);
        m.put("fingerprint", fingerprint);
        m.put("runtime", rt.name());
        m.put("model", Map.of("id", spec.id(), "path", spec.path().toString(), "sha256", modelHash));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("batchSize", spec.batchSize());
        s.put("inputHeight", e.height());
        s.put("inputWidth", e.width());
        s.put("inputChannels", e.channels());
        s.put("inputLayout", e.layout().name());
        s.put("precision", spec.precision().name());
        s.put("intraOpThreads", spec.threads());
        m.put("spec", s);
        Map.Entry<String, Object> section = rt.manifestSection(trt);
        m.put(section.getKey(), section.getValue());
        m.put("device", rt.device(trt));
        m.put("options", rt.options(spec, trt));
        m.put("tensorrt", tensorrt);
        m.put("buildTime", Instant.now().toString());
        m.put("buildMillis", buildMillis);
        m.put("signature", Map.of("input", e.inputName(), "output", e.outputName(), "fixedBatch", e.fixedBatch(),
                "outputs", e.outputs().stream().map(Outputs.Info::toString).toList()));
        m.put("outputDigest", digest);
        long[] sorted = latency.clone();
        java.util.Arrays.sort(sorted);
        m.put("latencyMs", Map.of("warmUp", warmNanos / 1e6, "p50", sorted[sorted.length / 2] / 1e6, "runs", latency.length));
        m.put("files", files);
        return m;
    }

    /**
     * Null unless the manifest records the fingerprint's inputs and one of them differs from this machine's (an engine
     * directory copied from another GPU or TensorRT version, or an edited manifest): such an engine is rebuilt.
     */
    static String builtElsewhere(Path dir, String inputs) {
        JsonNode recorded;
        try {
            recorded = JSON.readTree(dir.resolve(MANIFEST).toFile()).path("fingerprintInputs");
        } catch (IOException e) {
            return "its manifest is not valid JSON";
        }
        if (!recorded.isArray()) return null;
        List<String> here = List.of(inputs.split("\n"));
        List<String> there = new ArrayList<>();
        recorded.forEach(n -> there.add(n.asText()));
        for (int i = 0; i < Math.max(here.size(), there.size()); i++) {
            String a = i < there.size() ? there.get(i) : "(nothing)";
            String b = i < here.size() ? here.get(i) : "(nothing)";
            if (!a.equals(b)) return "it was built for " + a + ", this machine has " + b;
        }
        return null;
    }

    /** What decides an engine: the model bytes, the spec, the options that change the built graph, the runtime. */
    String fingerprint(ModelSpec spec, EngineRuntime rt, String modelHash, boolean trt) {
        return sha256(fingerprintInputs(spec, rt, modelHash, trt).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The text {@link #fingerprint} hashes, one {@code name=value} per line (recorded in the manifest). */
    String fingerprintInputs(ModelSpec spec, EngineRuntime rt, String modelHash, boolean trt) {
        StringBuilder sb = new StringBuilder();
        sb.append("format=").append(FORMAT).append('\n')
                .append("model=").append(modelHash).append('\n')
                .append("batch=").append(spec.batchSize()).append('\n')
                .append("precision=").append(spec.precision()).append('\n')
                .append("threads=").append(spec.threads()).append('\n')
                .append("options=").append(rt.options(spec, trt)).append('\n')
                .append(rt.versionLine()).append('\n')
                .append("platform=").append(platform());
        return sb.toString();
    }

    /** Outputs on a fixed, deterministic input, rounded so that only real differences change the digest. */
    static String outputDigest(Engine engine) {
        try (BatchMemory t = checkInput(engine)) {
            float[][] rows = engine.run(t, engine.batchSize());
            MessageDigest md = sha();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
            for (float[] row : rows) {
                for (float v : row) {
                    b.clear();
                    b.putLong(Math.round(v * 1e4));
                    md.update(b.array());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        }
    }

    /** A batch of the engine's shape holding a fixed gradient image, written through the real preprocessing. */
    static BatchMemory checkInput(Engine engine) {
        int h = engine.height(), w = engine.width();
        BatchMemory t = engine.allocateBatch(engine.batchSize());
        try (org.bytedeco.opencv.opencv_core.Mat img = new org.bytedeco.opencv.opencv_core.Mat(h, w,
                org.bytedeco.opencv.global.opencv_core.CV_8UC3);
             org.bytedeco.javacpp.indexer.UByteIndexer idx = img.createIndexer()) {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++) idx.put(y, x, c, (x * 255 / Math.max(1, w - 1) + c * 85 + y) & 0xff);
            long base = t.address();
            for (int r = 0; r < engine.batchSize(); r++) engine.writer().write(img, base + r * engine.writer().rowBytes());
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    public static String platform() {
        return System.getProperty("os.name").toLowerCase() + "-" + System.getProperty("os.arch");
    }

    // ------------------------------------------------------------------ files

    private static Path ensureWritable(Path root) {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".probe-", "");
            Files.delete(probe);
            return root;
        } catch (AccessDeniedException e) {
            throw new UserError("engine directory " + root.toAbsolutePath() + " is not writable (permission denied);"
                    + " fix its permissions or set edgesight.engine.dir to a writable directory");
        } catch (FileSystemException e) {
            throw new UserError("engine directory " + root.toAbsolutePath() + " is not writable (" + e.getReason()
                    + "); set edgesight.engine.dir to a writable directory");
        } catch (IOException e) {
            throw new UserError("engine directory " + root.toAbsolutePath() + " is not writable (" + e.getMessage() + ")");
        }
    }

    /** Builds killed half-way (kill -9) leave a .tmp directory that nothing reads; clear them. */
    private static void cleanStaleTemps(Path root, String name) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".tmp-" + name + "-")).toList()) {
                LOG.info("removing an unfinished engine build {}", p.getFileName());
                deleteTree(p);
            }
        }
    }

    static String hashTree(Path dir) {
        MessageDigest md = sha();
        for (Map.Entry<String, Path> f : listFiles(dir).entrySet()) {
            md.update(f.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(HexFormat.of().parseHex(sha256(f.getValue())));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static Map<String, Path> listFiles(Path dir) {
        Map<String, Path> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> out.put(dir.relativize(p).toString().replace('\\', '/'), p));
        } catch (IOException e) {
            throw new UserError("cannot read model directory " + dir + ": " + e.getMessage());
        }
        return out;
    }

    static Map<String, String> copyTree(Path from, Path to) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Map.Entry<String, Path> f : listFiles(from).entrySet()) {
            Path target = to.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.copy(f.getValue(), target);
            hashes.put(f.getKey(), sha256(target));
        }
        return hashes;
    }

    static String sha256(Path file) {
        MessageDigest md = sha();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        } catch (IOException e) {
            return "unreadable";
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(sha().digest(data));
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", p, e.getMessage());
        }
    }

    private static String sanitize(String id) {
        return id.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    static void stage(String id, String what, long t0) {
        LOG.info("engine '{}' [{} ms] {}", id, ms(t0), what);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Every engine directory under the cache root with its manifest (for `engine list`). */
    public static List<Path> list(Path root) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isRegularFile(p.resolve(MANIFEST))).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new UserError("cannot list " + root + ": " + e.getMessage());
        }
        return out;
    }

}
