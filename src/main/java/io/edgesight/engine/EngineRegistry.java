package io.edgesight.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The models of this deployment (from configuration) and their loaded engines, shared by all routes. */
public class EngineRegistry extends ServiceSupport implements io.edgesight.preprocess.ModelInputs {
    private static final Logger LOG = LoggerFactory.getLogger(EngineRegistry.class);
    public static final String BEAN = "engines";

    private final Map<String, ModelSpec> specs = new LinkedHashMap<>();
    private final Map<String, Engine> engines = new ConcurrentHashMap<>();
    private final Map<String, Long> readyNanos = new ConcurrentHashMap<>();
    private final Map<String, String> engineIds = new ConcurrentHashMap<>();
    private final Map<String, String> runtimes = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CompletableFuture<Engine>> ready = new ConcurrentHashMap<>();

    private final EngineCache cache;

    /** Engines loaded straight from the model directories, no cache (tests, tools). */
    public EngineRegistry(List<ModelSpec> models) {
        this(models, null);
    }

    /** Engines built once into the cache of {@code options} and loaded from there. */
    public EngineRegistry(List<ModelSpec> models, EngineOptions options) {
        models.forEach(m -> specs.put(m.id(), m));
        this.cache = options == null ? null : new EngineCache(options);
    }

    public static EngineRegistry lookup(CamelContext context) {
        EngineRegistry r = context.getRegistry().lookupByNameAndType(BEAN, EngineRegistry.class);
        if (r == null) throw new IllegalStateException("no '" + BEAN + "' registry bound; start edgesight through its launcher");
        return r;
    }

    public ModelSpec spec(String id) {
        ModelSpec s = specs.get(id);
        if (s == null) {
            throw new EngineException("unknown model '" + id + "'; configured models: " + specs.keySet()
                    + " (declare it with " + ModelSpec.PREFIX + id + ".path)");
        }
        return s;
    }

    /** Loads and warms up the engine for {@code id} once; later calls return it. */
    public synchronized Engine prepare(String id) {
        Engine e = engines.get(id);
        if (e != null) return e;
        ModelSpec spec = spec(id);
        long t0 = System.nanoTime();
        if (cache != null) {
            EngineCache.Prepared prepared = cache.prepare(spec);
            e = prepared.engine();
            engineIds.put(id, prepared.dir().getFileName().toString());
        } else {
            LOG.info("engine '{}': loading {} for batch size {} ({})", id, spec.path(), spec.batchSize(), Engines.runtimeOf(spec));
            e = Engines.load(spec);
        }
        long warmMs = e.warmUp() / 1_000_000;
        LOG.info("engine '{}' ready in {} ms on {}: input {}, output '{}', warm-up batch {} ms",
                id, (System.nanoTime() - t0) / 1_000_000, e.runtime(), e, e.outputName(), warmMs);
        engines.put(id, e);
        readyNanos.put(id, System.nanoTime());
        runtimes.put(id, e.runtime());
        ready(id).complete(e);
        return e;
    }

    /**
     * The readiness signal of a model's engine: completes once {@link #prepare} has loaded and warmed it up (the
     * cameras of that model open their sources then), or exceptionally when it could not be prepared.
     */
    public java.util.concurrent.CompletableFuture<Engine> ready(String id) {
        return ready.computeIfAbsent(id, k -> new java.util.concurrent.CompletableFuture<>());
    }

    /** Prepares every model in configuration order; the first failure fails the readiness of every model left. */
    public void prepareAll() {
        for (String id : specs.keySet()) {
            try {
                prepare(id);
            } catch (RuntimeException e) {
                specs.keySet().forEach(m -> ready(m).completeExceptionally(e));
                throw e;
            }
        }
    }

    /** The loaded engine; the startup route must have prepared it. */
    public Engine engine(String id) {
        Engine e = engines.get(id);
        if (e == null) throw new EngineException("engine '" + id + "' is not ready: its cameras start only once it is ready");
        return e;
    }

    public Map<String, ModelSpec> specs() { return specs; }

    private final Map<String, Target> targets = new ConcurrentHashMap<>();

    @Override
    public void requireModel(String model) { spec(model); }

    @Override
    public Target target(String model) {
        Target t = targets.get(model);
        if (t != null) return t;
        Engine e = engine(model);
        return targets.computeIfAbsent(model, m -> new Target(e.width(), e.height(), e.spec().resize()));
    }

    /** The id of a model's engine: its cache directory name, or {@code <model>-b<batch>-<precision>} when uncached. */
    public String engineId(String id) {
        String e = engineIds.get(id);
        if (e != null) return e;
        ModelSpec s = spec(id);
        return s.id() + "-b" + s.batchSize() + "-" + s.precision();
    }

    /** nanoTime at which each engine became ready (start-up ordering is observable). */
    public Map<String, Long> readyNanos() { return Map.copyOf(readyNanos); }

    /** The runtime ("tensorflow", "onnxruntime") each prepared engine ran on (kept after stop). */
    public Map<String, String> runtimes() { return Map.copyOf(runtimes); }

    /**
     * Forgets a model's engine without closing it: its run timed out and is still inside the native library, so
     * closing it would free memory that run still uses. The process is stopping; the OS takes the memory back.
     */
    public void abandon(String model) {
        if (engines.remove(model) != null) {
            LOG.warn("engine '{}' is still in a run that timed out: left open at stop", model);
        }
    }

    @Override
    protected void doStop() {
        engines.values().forEach(Engine::close);
        engines.clear();
    }
}
