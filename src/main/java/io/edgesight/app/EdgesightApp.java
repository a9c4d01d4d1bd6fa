package io.edgesight.app;

import io.edgesight.config.UserError;
import io.edgesight.config.Settings;
import io.edgesight.config.ConfigKeys;
import io.edgesight.config.ConfigValidator;
import io.edgesight.stats.PipelineTracker;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgesight.batch.BatchAggregationStrategy;
import io.edgesight.engine.EngineOptions;
import io.edgesight.engine.EngineRegistry;
import io.edgesight.engine.Engines;
import io.edgesight.engine.ModelSpec;
import io.edgesight.predict.Decoders;
import io.edgesight.cascade.CascadeSpec;
import io.edgesight.cascade.Cascades;
import io.edgesight.predict.Labels;
import io.edgesight.track.TrackerConfig;
import io.edgesight.track.Tracking;
import io.edgesight.zones.Analytics;
import io.edgesight.discovery.DiscoveryPublisher;
import io.edgesight.events.EventLog;
import io.edgesight.events.Events;
import io.edgesight.zones.LineCounts;
import io.edgesight.predict.ModelDescriptor;
import io.edgesight.sample.SampleVideo;
import io.edgesight.sample.SampleVideoGenerator;
import io.edgesight.camera.MotionFilter;
import io.edgesight.sink.FrameStore;
import io.edgesight.api.HttpAuth;
import io.edgesight.sink.JsonLinesRotation;
import io.edgesight.api.LatestPredictions;
import io.edgesight.api.LivePage;
import io.edgesight.sink.OutputRules;
import io.edgesight.stats.PipelineStats;
import io.edgesight.sink.WebhookTls;
import io.edgesight.sink.kafka.KafkaOutput;
import io.edgesight.sink.mqtt.MqttConnection;
import io.edgesight.sink.mqtt.EmbeddedMqttBroker;
import io.edgesight.camera.CameraComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and runs one edgesight process: validates the configuration, prepares the sample, starts the
 * embedded MQTT broker when no external one is configured, then runs camel-main with the YAML routes.
 */
public final class EdgesightApp {
    private static final Logger LOG = LoggerFactory.getLogger(EdgesightApp.class);
    private static final Pattern MODEL_KEY = Pattern.compile("^edgesight\\.models\\.([A-Za-z0-9_-]+)\\.path$");

    /** What the command line gives. {@code overrides} win over environment and file (tests, --set). */
    public record Options(Path config, Path routes, long maxFrames, long durationSeconds, Map<String, String> overrides,
                          Path builtinRoutes) {
        public Options(Path config, Path routes, long maxFrames, long durationSeconds, Map<String, String> overrides) {
            this(config, routes, maxFrames, durationSeconds, overrides, null);
        }

        /** The same, with a copy of the jar's routes (pipeline.yaml, outputs.yaml, api.yaml) read from {@code dir}. */
        public Options withBuiltinRoutes(Path dir) {
            return new Options(config, routes, maxFrames, durationSeconds, overrides, dir);
        }
    }

    /** The routes inside the jar: the pipeline's templates, the outputs and the HTTP API. */
    static final List<String> BUILTIN_ROUTES = List.of("pipeline.yaml", "outputs.yaml", "api.yaml");

    private final Options options;
    private final Map<String, String> fileProperties;
    private volatile Main main;
    private volatile EmbeddedMqttBroker broker;
    private volatile MqttConnection mqtt;
    private volatile PipelineTracker tracker;
    private volatile EngineRegistry engines;
    private volatile Analytics analytics;
    private volatile boolean summaryLogged;
    private boolean mqttClosed;

    public EdgesightApp(Options options) {
        this.options = options;
        this.fileProperties = readProperties(options.config());
        // cameras added through the API (PUT /api/cameras/<id>) come back at every start
        if ("true".equalsIgnoreCase(String.valueOf(property("edgesight.api.cameras.enabled")).strip())) {
            fileProperties.putAll(CameraApi.persisted(camerasDir()));
        }
    }

    private Path camerasDir() {
        String d = property("edgesight.api.cameras.dir");
        return Path.of(d == null || d.isBlank() ? "config/cameras.d" : d.strip());
    }

    /**
     * Value of a key: overrides, then system properties, then environment variables, then the file; with
     * {{edgesight.node.id}} in a value (the MQTT prefix) replaced by the node id.
     */
    public String property(String key) {
        String v = rawProperty(key);
        if (v == null || !v.contains("{{" + NodeIdentity.KEY + "}}") || key.equals(NodeIdentity.KEY)) return v;
        return node().expand(v);
    }

    private String rawProperty(String key) {
        if (options.overrides().containsKey(key)) return options.overrides().get(key);
        String v = System.getProperty(key);
        if (v != null) return v;
        v = System.getenv(ConfigValidator.envName(key));
        if (v != null) return v;
        return fileProperties.get(key);
    }

    private volatile NodeIdentity node;

    /** edgesight.node.id, or the host name. */
    public NodeIdentity node() {
        NodeIdentity n = node;
        if (n == null) node = n = NodeIdentity.from(new Settings(this::rawProperty));
        return n;
    }

    /** Runs until the sources are drained, --duration passes, a fatal error, or SIGTERM. Returns the exit code. */
    public int run() throws Exception {
        validate();
        SelfCheck.logOnce(); // platform, glibc, TensorFlow, GPU, TensorRT, engine: once per process
        // model keys the configuration leaves out come from the model's descriptor (model.yaml), when it has one
        Settings settings = new Settings(ModelDescriptor.overlay(this::property));
        List<ModelSpec> models = new ArrayList<>();
        for (String id : modelIds()) {
            models.add(ModelSpec.from(id, settings));
            Engines.requireRuntime(models.get(models.size() - 1)); // a SavedModel in a jar without TensorFlow
            Decoders.decoderName(settings, id); // an unknown decoder stops the start before any model loads
        }
        if (models.isEmpty()) throw new UserError("no model configured: declare edgesight.models.<id>.path in " + options.config());
        Cascades cascades = new Cascades(CascadeSpec.all(settings, models.stream().map(ModelSpec::id).toList()));
        Map<String, Collection<String>> labels = new java.util.HashMap<>();
        for (ModelSpec spec : models) labels.put(spec.id(), Labels.load(spec.labels(), ModelSpec.PREFIX + spec.id() + ".labels").names());
        java.util.function.Function<String, Collection<String>> labelsOf = model -> labels.getOrDefault(model, List.of());
        List<CameraConfig> cameras = CameraConfig.all(keysInEffect(), this::property, models.stream().map(ModelSpec::id).toList(), labelsOf);
        if (!Files.isDirectory(options.routes())) {
            throw new UserError("routes directory " + options.routes().toAbsolutePath() + " does not exist (--routes)");
        }
        String sampleVideo = settings.string("edgesight.sample.video", null);
        if (sampleVideo != null) SampleVideo.ensure(Path.of(sampleVideo));

        Main m = new Main();
        main = m;
        Lifecycle lifecycle = new Lifecycle(m::completed);
        int shutdownSeconds = settings.integer("edgesight.shutdown.timeout-s");
        // Camel's graceful stop after the drain (lifecycle.drain) gets the same bound
        m.configure().setShutdownTimeout(shutdownSeconds);
        tracker = new PipelineTracker();
        m.setPropertyPlaceholderLocations("file:" + options.config().toAbsolutePath());
        StringBuilder include = new StringBuilder();
        List<String> builtin = new ArrayList<>(BUILTIN_ROUTES);
        if (settings.bool("edgesight.kafka.enabled")) builtin.add("kafka.yaml");
        for (String f : builtin) {
            include.append(options.builtinRoutes() == null ? "classpath:edgesight/routes/" + f
                    : "file:" + options.builtinRoutes().toAbsolutePath().resolve(f)).append(',');
        }
        m.configure().withRoutesIncludePattern(include + "file:" + options.routes().toAbsolutePath() + "/*.yaml");
        int batchTimeoutMs = settings.integer("edgesight.batch.timeout-ms");
        m.configure().withName("edgesight");
        if (options.durationSeconds() > 0) m.configure().withDurationMaxSeconds((int) options.durationSeconds());
        engines = new EngineRegistry(models, EngineOptions.from(settings));
        m.bind(EngineRegistry.BEAN, engines);
        m.bind(PipelineTracker.BEAN, tracker);
        m.bind(BatchAggregationStrategy.BEAN, new BatchAggregationStrategy());
        m.bind(LatestPredictions.BEAN, new LatestPredictions());
        Decoders decoders = new Decoders(settings);
        m.bind(Decoders.BEAN, decoders);
        m.bind(Cascades.BEAN, cascades);
        analytics = new Analytics(new Tracking(settings.bool("edgesight.track.enabled") ? TrackerConfig.from(settings) : null),
                new LineCounts(Path.of(settings.string("edgesight.output.dir"))));
        m.bind(Analytics.BEAN, analytics);
        if (settings.bool("edgesight.homeassistant.enabled")) {
            m.bind(DiscoveryPublisher.BEAN, new DiscoveryPublisher(node().id(), settings.string("edgesight.mqtt.prefix"),
                    settings.string("edgesight.homeassistant.prefix"),
                    Path.of(settings.string("edgesight.output.dir")), this::retained));
        }
        FrameStore frameStore = new FrameStore(settings.integer("edgesight.frames.width"),
                settings.integer("edgesight.frames.quality"));
        m.bind(Events.BEAN, new Events(node().id(), settings.decimal("edgesight.events.score-step"),
                new EventLog(Path.of(settings.string("edgesight.output.dir")),
                        settings.integer("edgesight.events.keep")),
                settings.bool("edgesight.events.snapshots") && frameStore.enabled() ? frameStore::annotated : null));
        // outputs (routes/outputs.yaml, routes/api.yaml)
        PipelineStats stats = new PipelineStats(settings.integer("edgesight.stats.interval-seconds"));
        stats.setNode(node().id());
        m.bind(PipelineStats.BEAN, stats);
        // the node in every payload, Kafka key and statistics; the Kafka output (off by default)
        m.bind(NodeIdentity.BEAN, node());
        m.addOverrideProperty("camel.component.predict.node", node().id());
        KafkaOutput.componentOptions(settings, node().id()).forEach(m::addOverrideProperty);
        KafkaOutput.warnIfUnreachable(settings);
        m.bind(FrameStore.BEAN, frameStore);
        m.bind(MotionFilter.BEAN, new MotionFilter());
        m.bind(OutputRules.BEAN, new OutputRules(settings));
        m.bind(JsonLinesRotation.BEAN, new JsonLinesRotation(Path.of(settings.string("edgesight.output.dir")),
                settings.integer("edgesight.output.max-bytes"),
                settings.integer("edgesight.output.max-age-seconds"),
                settings.integer("edgesight.output.keep")));
        m.bind(HttpAuth.BEAN, new HttpAuth(settings));
        m.bind(LivePage.BEAN, new LivePage());
        int webhookTimeout = settings.integer("edgesight.webhook.timeout-ms");
        for (String t : List.of("connectTimeout", "connectionRequestTimeout", "responseTimeout", "soTimeout")) {
            m.addOverrideProperty("camel.component.http." + t, Integer.toString(webhookTimeout));
            m.addOverrideProperty("camel.component.https." + t, Integer.toString(webhookTimeout));
        }
        var webhookTls = WebhookTls.from(settings);
        if (webhookTls != null) {
            m.bind(WebhookTls.BEAN, webhookTls);
            m.addOverrideProperty("camel.component.https.sslContextParameters", "#" + WebhookTls.BEAN);
        }
        m.addOverrideProperty("camel.component.mqtt-buffer.size",
                Integer.toString(settings.integer("edgesight.mqtt.buffer.size")));
        m.addOverrideProperty("camel.component.mqtt-buffer.qos",
                Integer.toString(settings.integer("edgesight.mqtt.qos")));
        m.addOverrideProperty("camel.component.mqtt-buffer.maxBytes",
                Integer.toString(settings.integer("edgesight.mqtt.buffer.max-bytes")));
        m.addOverrideProperty("camel.component.infer.timeoutMs",
                Long.toString(settings.integer("edgesight.engine.timeout-ms")));
        m.bind(Lifecycle.BEAN, lifecycle);
        CameraApi cameraApi = new CameraApi(camerasDir(), CameraConfig.keysOf(io.edgesight.camera.CameraKeys.DEFAULTS,
                keysInEffect(), this::property), models.stream().map(ModelSpec::id).toList(),
                CameraConfig.byCamera(keysInEffect(), this::property), labelsOf);
        m.bind(CameraApi.BEAN, cameraApi);
        m.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport main) {
                CamelContext ctx = main.getCamelContext();
                lifecycle.setCamelContext(ctx);
                cameraApi.setCamelContext(ctx);
                CameraComponent cameraComponent = ctx.getComponent("camera", CameraComponent.class);
                // a camera opens its source once its model's engine is loaded and its decoder built
                cameraComponent.setReadiness(id -> engines.ready(modelOf(cameras, id)).thenCompose(e -> decodersReady));
                cameraComponent.setEveryCameraFailed(message -> lifecycle.fatal(new UserError(message)));
                try {
                    for (ModelSpec spec : models) PipelineRoutes.addModel(ctx, spec, batchTimeoutMs);
                    for (CameraConfig c : cameras) PipelineRoutes.addCamera(ctx, c);
                    DiscoveryPublisher discovery = ctx.getRegistry().lookupByNameAndType(DiscoveryPublisher.BEAN, DiscoveryPublisher.class);
                    if (discovery != null) discovery.keepOnly(cameras.stream().map(CameraConfig::id).toList());
                } catch (Exception e) {
                    throw startupError(e);
                }
                startEngines(lifecycle, decoders);
                decoders.setCamelContext(main.getCamelContext());
                stats.setCamelContext(main.getCamelContext());
                stats.outputs(new io.edgesight.sink.SinkCounters(main.getCamelContext()));
                // every paho-mqtt5 endpoint publishes through the one connection (will, TLS, reconnects)
                main.getCamelContext().getComponent("paho-mqtt5", PahoMqtt5Component.class).setClient(mqtt.client());
            }

            @Override
            public void afterStart(BaseMainSupport main) {
                stats.bindMeters();
                analytics.bindMeters(main.getCamelContext());
                synchronized (EdgesightApp.this) {
                    List<String[]> waiting = new ArrayList<>(retainedBeforeStart);
                    retainedBeforeStart.clear();
                    for (String[] r : waiting) retained(r[0], r[1]);
                }
            }

            @Override
            public void beforeStop(BaseMainSupport main) {
                lifecycle.drain(tracker, shutdownSeconds * 1000L);
                // under SIGTERM the JVM exits as soon as Camel has stopped, before run() returns: say it now (the
                // cameras are stopped and the frames in flight are through, so the counts are final)
                LOG.info("stopped: {}", tracker.summary());
                summaryLogged = true;
            }
        });
        // camel-main's summary would print camera URLs with their credentials
        m.configure().setAutoConfigurationLogSummary(false);
        // one source of truth: routes' {{placeholders}} see exactly the values the engines were built with
        for (String key : fileProperties.keySet()) {
            String v = property(key);
            if (key.startsWith("edgesight.") && v != null) m.addOverrideProperty(key, v);
        }
        options.overrides().forEach((k, v) -> m.addOverrideProperty(k, k.startsWith("edgesight.") ? property(k) : v));
        m.addOverrideProperty(NodeIdentity.KEY, node().id()); // unset in the file: the host name
        // routes read defaults from the key table too ({{edgesight.mqtt.retain}}, never {{edgesight.mqtt.retain:false}})
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            if (k.def() == null || k.name().contains("{id}")) continue;
            String v = property(k.name());
            if (v == null || v.isBlank()) m.addOverrideProperty(k.name(), k.def());
        }
        if (options.maxFrames() > 0) m.addOverrideProperty("camel.component.camera.maxFrames", Long.toString(options.maxFrames()));

        String brokerUrl = settings.string("edgesight.mqtt.broker-url", null);
        try {
            if (brokerUrl == null) {
                broker = EmbeddedMqttBroker.start(settings.string("edgesight.mqtt.embedded.host"),
                        settings.integer("edgesight.mqtt.embedded.port"),
                        settings.string("edgesight.mqtt.username", null), settings.string("edgesight.mqtt.password", null));
                brokerUrl = broker.url();
                LOG.info("embedded MQTT broker listening on {} (set edgesight.mqtt.broker-url to use your own)", brokerUrl);
            }
            m.addOverrideProperty("camel.component.paho-mqtt5.brokerUrl", brokerUrl);
            mqtt = MqttConnection.create(MqttConnection.Options.from(settings, brokerUrl));
            m.bind(MqttConnection.BEAN, mqtt);
            mqtt.start(2000);
            Thread drainWatcher = startDrainWatcher(m);
            try {
                m.run();
            } catch (Exception e) {
                throw startupError(e);
            } finally {
                drainWatcher.interrupt();
            }
        } finally {
            closeMqtt();
            if (broker != null) broker.close();
        }
        Throwable fatal = lifecycle.fatalError();
        if (fatal != null) {
            UserError u = UserError.find(fatal);
            throw u != null ? u : new UserError("start-up failed: " + rootMessage(fatal), fatal);
        }
        if (!summaryLogged) LOG.info("stopped: {}", tracker.summary());
        return m.getExitCode();
    }

    private final java.util.concurrent.CompletableFuture<Void> decodersReady = new java.util.concurrent.CompletableFuture<>();

    /** The model of a camera declared by configuration; for a camera of a route of your own, the first model. */
    private String modelOf(List<CameraConfig> cameras, String cameraId) {
        return cameras.stream().filter(c -> c.id().equals(cameraId)).map(CameraConfig::model).findFirst()
                .orElseGet(() -> engines.specs().keySet().iterator().next());
    }

    /** Loads and warms up every engine, then builds every decoder, while Camel starts; a failure stops edgesight. */
    private void startEngines(Lifecycle lifecycle, Decoders decoders) {
        Thread t = new Thread(() -> {
            try {
                engines.prepareAll();
                decoders.prepareAll();
                decodersReady.complete(null);
            } catch (Throwable e) {
                decodersReady.completeExceptionally(e);
                lifecycle.fatal(e);
            }
        }, "edgesight-engines");
        t.setDaemon(true);
        t.start();
    }

    /** The keys set by the file and the overrides (environment variables and system properties override their values). */
    private Set<String> keysInEffect() {
        Set<String> keys = new LinkedHashSet<>(fileProperties.keySet());
        keys.addAll(options.overrides().keySet());
        return keys;
    }

    /** "offline" on <prefix>/available and a clean disconnect, once. */
    private synchronized void closeMqtt() {
        if (mqtt != null && !mqttClosed) {
            mqttClosed = true;
            mqtt.close();
        }
    }

    /** Stops the application once every source has finished and each frame it emitted has been published. */
    private Thread startDrainWatcher(Main m) {
        Thread t = new Thread(() -> {
            try {
                if (tracker.awaitDrained(10_000)) LOG.info("all sources finished and every frame is published");
                m.completed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "edgesight-drain-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }

    public PipelineTracker tracker() { return tracker; }

    public EngineRegistry engines() { return engines; }

    private volatile org.apache.camel.ProducerTemplate retainedSender;

    private final List<String[]> retainedBeforeStart = new ArrayList<>();

    /**
     * One retained QoS 1 message through the MQTT outbox (Home Assistant discovery). Before Camel has started (the
     * cameras of the configuration are added while it configures) they wait and go out in order once it has.
     */
    private synchronized void retained(String topic, String payload) {
        if (!main.getCamelContext().isStarted()) {
            retainedBeforeStart.add(new String[] {topic, payload});
            return;
        }
        org.apache.camel.ProducerTemplate t = retainedSender;
        if (t == null) retainedSender = t = main.getCamelContext().createProducerTemplate();
        t.sendBodyAndHeaders("mqtt-buffer:outbox", payload.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("CamelPahoMqtt5OverrideTopic", topic, "CamelPahoMqtt5Retained", true, "CamelPahoMqtt5Qos", 1));
    }

    /** Asks a running application to stop (as SIGTERM would). */
    public void stop() {
        Main m = main;
        if (m != null) m.completed();
    }

    private void validate() {
        Map<String, String> all = new TreeMap<>(fileProperties);
        all.putAll(options.overrides());
        all.replaceAll((k, v) -> property(k)); // the value in effect: environment variables override the file too
        List<String> errors = new ArrayList<>(ConfigValidator.validate(all, options.config().toString()));
        if (errors.isEmpty()) errors.addAll(KafkaOutput.problems(this::property));
        Set<String> knownEnv = new LinkedHashSet<>();
        for (String k : all.keySet()) knownEnv.add(ConfigValidator.envName(k));
        for (String env : new java.util.TreeSet<>(System.getenv().keySet())) {
            if (!env.startsWith("EDGESIGHT_") || knownEnv.contains(env)) continue;
            String key = knownKeyOf(env);
            if (key == null) {
                errors.add("unknown environment variable " + env + " (edgesight reads EDGESIGHT_<KEY> only for documented keys)");
            } else {
                // a key the file does not mention, set only here: its value is checked like the file's
                String problem = ConfigKeys.find(key).map(k -> k.check().problem("environment variable " + env,
                        System.getenv(env).trim())).orElse(null);
                if (problem != null && !System.getenv(env).isBlank()) errors.add(problem);
            }
        }
        if (!errors.isEmpty()) throw new UserError(String.join("\n", errors));
    }

    /** The table key an environment variable sets ({id} form), e.g. EDGESIGHT_MODELS_SAMPLE_BATCH_SIZE; null if none. */
    private static String knownKeyOf(String env) {
        String best = null;
        for (String pattern : ConfigValidator.EDGESIGHT_KEYS) {
            String regex = ConfigValidator.envName(pattern).replace("{ID}", "[A-Z0-9_]+");
            // the longest pattern wins: its fixed suffix says the most about which key is meant
            if (env.matches(regex.replace("{", "\\{")) && (best == null || pattern.length() > best.length())) best = pattern;
        }
        return best;
    }

    private Set<String> modelIds() {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, String> keys = new LinkedHashMap<>(fileProperties);
        keys.putAll(options.overrides());
        for (String k : keys.keySet()) {
            Matcher mm = MODEL_KEY.matcher(k);
            if (mm.matches()) ids.add(mm.group(1));
        }
        return ids;
    }

    static Map<String, String> readProperties(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("configuration file " + file.toAbsolutePath() + " does not exist (--config)");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    private static final Pattern RESOURCE = Pattern.compile("resource: (file:\\S+)");

    /** A start-up failure as one line: route files that do not parse name the file, line and column. */
    public static RuntimeException startupError(Exception e) {
        UserError u = UserError.find(e);
        if (u != null) return u;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException y) {
                // the file: from Camel's wrapping message, else the YAML parser's own label of its input
                Matcher rm = RESOURCE.matcher(String.valueOf(e.getMessage()));
                String file = rm.find() ? rm.group(1) : y.getProblemMark().map(mk -> mk.getName()).orElse("");
                file = file.replaceFirst("^file:", "");
                if (file.isBlank() || file.equals("reader")) file = "(one of the files in --routes)";
                String where = y.getProblemMark().map(mk -> " at line " + (mk.getLine() + 1) + ", column " + (mk.getColumn() + 1)).orElse("");
                return new UserError("cannot parse route file " + file + where + ": " + y.getProblem()
                        + "; fix the YAML (indentation, brackets) and start again");
            }
        }
        // route and endpoint errors quote URIs: camera credentials must not reach the one-line error
        return new UserError("edgesight could not start: "
                + io.edgesight.config.SecretMasker.mask(rootMessage(e).replaceAll("\\s+", " ")), e);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
