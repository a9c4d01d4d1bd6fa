package io.edgesight.app;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.camera.CameraComponent;
import io.edgesight.camera.CameraKeys;
import io.edgesight.config.ConfigValidator;
import io.edgesight.config.SecretMasker;
import io.edgesight.config.UserError;
import io.edgesight.stats.PipelineTracker;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET/PUT/DELETE /api/cameras/<id>}: cameras added, changed and removed while edgesight runs. The body of a
 * PUT is the camera's keys without {@code edgesight.cameras.<id>.} ({"url": "rtsp://...", "fps": 5}); it is checked
 * exactly like start-up configuration (HTTP 400 with the same one-line errors, nothing changed). An accepted camera is
 * written to {@code <dir>/<id>.properties}, which the next start reads again; the other cameras never pause.
 */
public final class CameraApi implements CamelContextAware {
    private static final Logger LOG = LoggerFactory.getLogger(CameraApi.class);
    public static final String BEAN = "cameraApi";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Map<String, String> defaults;
    private final Collection<String> models;
    private final java.util.function.Function<String, Collection<String>> labelsOf;
    private final Map<String, Map<String, String>> cameras = new TreeMap<>();
    private CamelContext camelContext;

    /** {@code cameras}: the keys (suffixes) of every camera of the configuration, by id. */
    CameraApi(Path dir, Map<String, String> defaults, Collection<String> models, Map<String, Map<String, String>> cameras,
              java.util.function.Function<String, Collection<String>> labelsOf) {
        this.dir = dir;
        this.labelsOf = labelsOf;
        this.defaults = Map.copyOf(defaults);
        this.models = List.copyOf(models);
        cameras.forEach((id, keys) -> {
            String url = keys.get("url");
            if (url != null && !url.isBlank()) this.cameras.put(id, keys);
        });
    }

    /** The keys persisted by earlier PUTs: every {@code <dir>/*.properties} file, in name order. */
    static Map<String, String> persisted(Path dir) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) return out;
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")).sorted().toList()) {
                out.putAll(EdgesightApp.readProperties(f));
            }
        } catch (IOException e) {
            throw new UserError("cannot read the cameras in " + dir + ": " + e.getMessage());
        }
        return out;
    }

    /** The route step of /api/cameras/{id}. */
    public void handle(Exchange exchange) throws Exception {
        String id = exchange.getMessage().getHeader("id", String.class);
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        if (id == null || !ID.matcher(id).matches() || id.equals(CameraKeys.DEFAULTS)) {
            reply(exchange, 400, error("camera id must be 1-64 letters, digits, - or _ (and not 'defaults')"));
            return;
        }
        switch (method == null ? "GET" : method) {
            case "PUT" -> put(exchange, id);
            case "DELETE" -> delete(exchange, id);
            default -> get(exchange, id);
        }
    }

    private synchronized void get(Exchange exchange, String id) throws Exception {
        Map<String, String> keys = cameras.get(id);
        if (keys == null) {
            reply(exchange, 404, error("no camera '" + id + "'"));
            return;
        }
        Map<String, String> shown = new TreeMap<>(keys);
        shown.replaceAll((k, v) -> SecretMasker.mask(v));
        reply(exchange, 200, JSON.writeValueAsString(Map.of("id", id, "config", shown)));
    }

    private synchronized void put(Exchange exchange, String id) throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        try {
            JsonNode body = JSON.readTree(exchange.getMessage().getBody(String.class));
            if (body == null || !body.isObject()) throw new IllegalArgumentException("not an object");
            flatten("", body, keys);
        } catch (Exception e) {
            reply(exchange, 400, error("the body must be a JSON object of the camera's keys, e.g. {\"url\": \"rtsp://host/stream\"}"));
            return;
        }
        String prefix = CameraKeys.PREFIX + id + ".";
        Map<String, String> full = new TreeMap<>();
        keys.forEach((k, v) -> full.put(prefix + k, v));
        List<String> errors = new ArrayList<>(ConfigValidator.validate(full, "PUT /api/cameras/" + id));
        CameraConfig camera = null;
        if (errors.isEmpty()) {
            try {
                camera = CameraConfig.of(id, defaults, keys, models, labelsOf);
            } catch (UserError e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            reply(exchange, 400, error(String.join("\n", errors)));
            return;
        }
        boolean existed = cameras.containsKey(id);
        if (existed) remove(id);
        try {
            PipelineRoutes.addCamera(camelContext, camera);
        } catch (Exception e) {
            reply(exchange, 400, error(EdgesightApp.startupError(e).getMessage()));
            return;
        }
        cameras.put(id, Map.copyOf(keys));
        persist(id, full);
        LOG.info("camera '{}' {} through the API", id, existed ? "changed" : "added");
        reply(exchange, existed ? 200 : 201, JSON.writeValueAsString(Map.of("id", id, "model", camera.model())));
    }

    private synchronized void delete(Exchange exchange, String id) throws Exception {
        if (!cameras.containsKey(id)) {
            reply(exchange, 404, error("no camera '" + id + "'"));
            return;
        }
        remove(id);
        cameras.remove(id);
        Files.deleteIfExists(file(id));
        LOG.info("camera '{}' removed through the API", id);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody(null);
    }

    /** Stops the camera (its frames in flight are published, then its retained status "removed") and drops its route. */
    private void remove(String id) throws Exception {
        camelContext.getComponent("camera", CameraComponent.class).removing(id);
        PipelineRoutes.removeCamera(camelContext, id);
        PipelineTracker.lookup(camelContext).sourceFinished(id, 0);
    }

    /**
     * The body's keys: nested objects as dotted keys ({"zones": {"door": {"points": ...}}} is zones.door.points),
     * points also as [[x, y], ...]; other values as text.
     */
    static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        node.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            String k = prefix + e.getKey();
            if (v.isObject()) flatten(k + ".", v, out);
            else if (v.isValueNode()) out.put(k, v.asText());
            else if (v.isArray() && isPointList(v)) {
                List<String> pts = new ArrayList<>();
                v.forEach(pt -> pts.add(pt.get(0).asText() + "," + pt.get(1).asText()));
                out.put(k, String.join(";", pts));
            } else out.put(k, v.toString());
        });
    }

    private static boolean isPointList(JsonNode v) {
        for (JsonNode pt : v) if (!pt.isArray() || pt.size() != 2 || !pt.get(0).isNumber() || !pt.get(1).isNumber()) return false;
        return true;
    }

    private void persist(String id, Map<String, String> full) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        full.forEach(p::setProperty);
        Path tmp = dir.resolve("." + id + ".properties.tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "camera " + id + ", written by PUT /api/cameras/" + id);
        }
        Files.move(tmp, file(id), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path file(String id) { return dir.resolve(id + ".properties"); }

    private static String error(String message) throws Exception {
        return JSON.writeValueAsString(Map.of("error", message));
    }

    private static void reply(Exchange exchange, int code, String json) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(json);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
}
