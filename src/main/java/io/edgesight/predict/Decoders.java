package io.edgesight.predict;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.EngineRegistry;
import io.edgesight.engine.ModelSpec;
import io.edgesight.engine.Engine;
import io.edgesight.engine.Outputs;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoder of every model, bound as {@value #BEAN}. The engines start-up route calls {@link #prepareAll} once
 * the engines are loaded: each decoder is built against its engine's real output (so a labels file with fewer
 * labels than the model has classes stops the start with one clear message, not at the first frame).
 * The decoder name comes from {@code edgesight.models.<id>.decoder}, else the model's descriptor
 * ({@code decoder:} in model.yaml), else {@value ClassificationDecoder#NAME}.
 */
public class Decoders implements CamelContextAware {
    private static final Logger LOG = LoggerFactory.getLogger(Decoders.class);
    public static final String BEAN = "decoders";
    public static final List<String> NAMES = List.of(ClassificationDecoder.NAME, DetectionItems.NAME, RawDecoder.NAME);

    private final Settings settings;
    private final Map<String, Decoder> decoders = new ConcurrentHashMap<>();
    private CamelContext camelContext;

    public Decoders(Settings settings) {
        this.settings = settings;
    }

    public static Decoders lookup(CamelContext context) {
        Decoders d = context.getRegistry().lookupByNameAndType(BEAN, Decoders.class);
        if (d == null) throw new IllegalStateException("no '" + BEAN + "' bean bound; start edgesight through its launcher");
        return d;
    }

    /** The configured decoder name of a model; an unknown one is a user error naming the key. */
    public static String decoderName(Settings settings, String model) {
        String key = ModelSpec.PREFIX + model + ".decoder";
        String name = settings.string(key).toLowerCase(java.util.Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new UserError(key + ": unknown decoder '" + name + "'; use one of " + String.join(", ", NAMES)
                    + " (raw reports the output tensor when no decoder fits)");
        }
        return name;
    }

    /** Builds the decoder of every configured model; the engines must be loaded. */
    public void prepareAll() {
        EngineRegistry registry = EngineRegistry.lookup(camelContext);
        for (String id : registry.specs().keySet()) prepare(id, registry.engine(id));
    }

    public Decoder prepare(String model, Engine engine) {
        Decoder d = create(settings, engine.spec(), engine.outputName(), engine.outputs(), engine.width(), engine.height());
        decoders.put(model, d);
        if (d instanceof DetectionItems di) {
            LOG.info("model '{}': detection decoder, layout {}", model, di.layout().describe());
        } else {
            LOG.info("model '{}': {} decoder on output '{}' {}", model, d.name(), engine.outputName(),
                    java.util.Arrays.toString(engine.outputRowShape()));
        }
        return d;
    }

    /** A decoder for one model whose output (for one frame) has {@code rowShape}. */
    public static Decoder create(Settings settings, ModelSpec spec, String outputName, long[] rowShape) {
        return create(settings, spec, outputName, rowShape, 0, 0);
    }

    /** As above; detection needs the model's input size to scale normalised boxes. */
    public static Decoder create(Settings settings, ModelSpec spec, String outputName, long[] rowShape,
                                 int inputWidth, int inputHeight) {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = 1;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return create(settings, spec, outputName, List.of(new Outputs.Info(outputName, "float32", shape)), inputWidth, inputHeight);
    }

    /**
     * The decoder of a model whose engine has {@code outputs} ({@link Engine#outputs()}); {@code outputName} is the
     * primary one, the only one classification and raw read. Detection picks its layout from all of them.
     */
    public static Decoder create(Settings settings, ModelSpec spec, String outputName, List<Outputs.Info> outputs,
                                 int inputWidth, int inputHeight) {
        long[] rowShape = outputs.stream().filter(o -> o.name().equals(outputName)).findFirst()
                .map(Outputs.Info::rowShape).orElse(new long[0]);
        String name = decoderName(settings, spec.id());
        long elements = 1;
        for (long d : rowShape) elements *= Math.max(1, d);
        return switch (name) {
            case ClassificationDecoder.NAME -> {
                String key = ModelSpec.PREFIX + spec.id() + ".labels";
                if (rowShape.length != 1) {
                    throw new UserError("model '" + spec.id() + "': output '" + outputName + "' has shape "
                            + java.util.Arrays.toString(rowShape) + " per frame; the classification decoder needs one score per class"
                            + " (set " + ModelSpec.PREFIX + spec.id() + ".decoder=raw to see what it outputs)");
                }
                Labels labels = Labels.load(spec.labels(), key);
                labels.checkCovers((int) elements, key);
                yield new ClassificationDecoder(labels, spec.topK(), spec.minScore(), spec.outputKind());
            }
            case RawDecoder.NAME -> new RawDecoder(outputName, rowShape, outputs.stream()
                    .filter(o -> o.name().equals(outputName)).findFirst().map(Outputs.Info::dtype).orElse("float32"));
            case DetectionItems.NAME -> {
                String key = ModelSpec.PREFIX + spec.id() + ".labels";
                Labels labels = Labels.load(spec.labels(), key);
                String p = ModelSpec.PREFIX + spec.id() + ".box-format";
                DetectionDecoder.Format configured = DetectionDecoder.Format.parse(
                        settings.string(p), p);
                DetectionLayout layout = DetectionLayout.resolve(spec.id(), configured, outputs, outputName, labels.size());
                DetectionDecoder.Config config = DetectionDecoder.Config.from(spec.id(), settings, layout.format());
                yield new DetectionItems(new DetectionDecoder(labels, config, inputWidth, inputHeight), layout);
            }
            default -> throw new UserError("model '" + spec.id() + "': unknown decoder '" + name + "'");
        };
    }

    /** The detection layout a decoder reads, or null for other decoders. */
    public static DetectionLayout layoutOf(Decoder d) {
        return d instanceof DetectionItems di ? di.layout() : null;
    }

    /** The prepared decoder of a model. */
    public Decoder decoder(String model) {
        Decoder d = decoders.get(model);
        if (d == null) throw new IllegalStateException("decoder of model '" + model + "' is not ready: the engines start-up route prepares it");
        return d;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
}
