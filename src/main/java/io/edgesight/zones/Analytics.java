package io.edgesight.zones;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.edgesight.predict.Prediction;
import io.edgesight.track.Tracking;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step after {@code predict:} (bean {@value #BEAN}): tracks the detections ({@link Tracking}), then the zones and
 * lines of the frame's camera; the retained MQTT messages that changed go in the exchange property
 * {@value #PUBLICATIONS} (a list of {@link Publication}) for the outputs' {@code analytics-out} route.
 */
public final class Analytics {
    private static final Logger LOG = LoggerFactory.getLogger(Analytics.class);
    public static final String BEAN = "analytics";
    public static final String PUBLICATIONS = "EdgesightPublications";
    public static final String CHANGES = "EdgesightTrackChanges";
    /** The exchange property with the frame's {@link Tracking.Update} (for the events). */
    public static final String UPDATE = "EdgesightTrackUpdate";

    private final Tracking tracking;
    private final LineCounts counts;
    private final Map<String, CameraZones> configured = new ConcurrentHashMap<>();
    private final Map<String, CameraAnalytics> byCamera = new ConcurrentHashMap<>();

    public Analytics(Tracking tracking, LineCounts counts) {
        this.tracking = tracking;
        this.counts = counts;
    }

    public Tracking tracking() { return tracking; }

    /** A camera's zones and lines (replacing earlier ones); its tracks start afresh. */
    public void configure(String camera, CameraZones zones) {
        configured.put(camera, zones);
        bind(camera, zones);
        byCamera.remove(camera);
        tracking.forget(camera);
    }

    public void remove(String camera) {
        configured.remove(camera);
        byCamera.remove(camera);
        tracking.forget(camera);
    }

    /** The route step: the payload with its track ids, and the analytics' messages in {@value #PUBLICATIONS}. */
    public void analyse(Exchange exchange) {
        Prediction p = exchange.getMessage().getBody(Prediction.class);
        Tracking.Update u = tracking.update(p);
        exchange.getMessage().setBody(u.prediction());
        exchange.setProperty(UPDATE, u);
        CameraAnalytics a = analytics(p);
        if (a == null || (u.tracks().isEmpty() && u.ended().isEmpty() && a.config().lines().isEmpty())) {
            exchange.setProperty(PUBLICATIONS, List.of());
            return;
        }
        CameraAnalytics.Result r = a.update(p.seq(), Instant.parse(p.captureTime()).toEpochMilli(), p.frame().width(),
                p.frame().height(), u.tracks(), u.ended());
        exchange.setProperty(PUBLICATIONS, r.publications());
        exchange.setProperty(CHANGES, r.changes());
    }

    private CameraAnalytics analytics(Prediction p) {
        CameraAnalytics a = byCamera.get(p.camera());
        if (a != null) return a;
        CameraZones z = configured.get(p.camera());
        if (z == null || z.isEmpty()) return null;
        // pixel points were checked at start-up only when the camera's width and height were set: now the frame is known
        List<ZoneSpec> zones = new ArrayList<>();
        List<LineSpec> lines = new ArrayList<>();
        String prefix = "edgesight.cameras." + p.camera() + ".";
        for (ZoneSpec s : z.zones()) {
            String problem = s.normalized() ? null : CameraZones.outsideFrame(prefix + "zones." + s.name() + ".points", s.points(),
                    p.frame().width(), p.frame().height());
            if (problem == null) zones.add(s);
            else LOG.error("{}; zone '{}' is ignored", problem, s.name());
        }
        for (LineSpec s : z.lines()) {
            String problem = s.normalized() ? null : CameraZones.outsideFrame(prefix + "lines." + s.name() + ".points", List.of(s.a(), s.b()),
                    p.frame().width(), p.frame().height());
            if (problem == null) lines.add(s);
            else LOG.error("{}; line '{}' is ignored", problem, s.name());
        }
        a = new CameraAnalytics(p.camera(), new CameraZones(zones, lines), counts);
        byCamera.put(p.camera(), a);
        return a;
    }

    /** {@code GET /api/lines}: camera -> line -> {in, out}, for the configured lines. */
    public Map<String, Map<String, Map<String, Long>>> lines() {
        Map<String, Map<String, Map<String, Long>>> out = new TreeMap<>();
        configured.forEach((camera, z) -> {
            for (LineSpec l : z.lines()) {
                long[] c = counts.get(camera, l.name());
                out.computeIfAbsent(camera, k -> new TreeMap<>()).put(l.name(), Map.of("in", c[0], "out", c[1]));
            }
        });
        return out;
    }

    /** {@code GET /api/zones}: camera -> zone -> label -> objects, as last published. */
    public Map<String, Map<String, Map<String, Integer>>> zones() {
        Map<String, Map<String, Map<String, Integer>>> out = new TreeMap<>();
        byCamera.forEach((camera, a) -> out.put(camera, a.occupancy()));
        return out;
    }

    public LineCounts counts() { return counts; }

    private volatile MeterRegistry meters;
    private final java.util.Set<String> bound = ConcurrentHashMap.newKeySet();

    /** Prometheus (/observe/metrics): edgesight_line_crossings_total{camera, line, direction}. */
    public void bindMeters(CamelContext ctx) {
        MeterRegistry r = ctx.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (r == null) r = ctx.getRegistry().findSingleByType(MeterRegistry.class);
        meters = r;
        configured.forEach(this::bind);
    }

    private void bind(String camera, CameraZones z) {
        MeterRegistry r = meters;
        if (r == null) return;
        for (LineSpec l : z.lines()) {
            for (int i = 0; i < 2; i++) {
                int dir = i;
                if (!bound.add(camera + "/" + l.name() + "/" + dir)) continue;
                FunctionCounter.builder("edgesight.line.crossings", counts, c -> c.get(camera, l.name())[dir])
                        .description("Objects that crossed the line, per direction (docs/EVENTS.md)")
                        .tag("camera", camera).tag("line", l.name()).tag("direction", dir == 0 ? "in" : "out").register(r);
            }
        }
    }
}
