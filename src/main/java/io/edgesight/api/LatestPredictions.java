package io.edgesight.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.edgesight.camera.CameraConstants;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/** The last published payload of every camera, for {@code GET /api/cameras/<id>/latest}. */
public class LatestPredictions {
    public static final String BEAN = "latest";
    private final Map<String, String> latest = new ConcurrentHashMap<>();

    /** Route step after the payload is marshalled to JSON. */
    public void update(Exchange exchange) {
        String camera = exchange.getMessage().getHeader(CameraConstants.CAMERA_ID, String.class);
        String json = exchange.getMessage().getBody(String.class);
        if (camera != null && json != null) latest.put(camera, json);
    }

    /** HTTP handler: the payload, or a 404 naming the known cameras. */
    public String latest(@Header("id") String camera, Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        String json = camera == null ? null : latest.get(camera);
        if (json == null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            return "{\"error\":\"no prediction yet for camera '" + escape(camera) + "'\",\"cameras\":"
                    + new TreeMap<>(latest).keySet().stream().map(c -> "\"" + escape(c) + "\"").toList() + "}";
        }
        return json;
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
