package io.edgesight.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.config.UserError;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUT /api/cameras/<id> with bad zones or lines: HTTP 400 with the start-up error, nothing written. */
class CameraApiZonesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> LABELS = List.of("person", "car");

    static Exchange put(CameraApi api, String id, String body) throws Exception {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setHeader("id", id);
        e.getMessage().setHeader(Exchange.HTTP_METHOD, "PUT");
        e.getMessage().setBody(body);
        api.handle(e);
        return e;
    }

    /** The start-up error of the same keys in the configuration file. */
    static String startupError(Map<String, String> keys) {
        try {
            CameraConfig.all(keys.keySet(), keys::get, List.of("det"), m -> LABELS);
        } catch (UserError e) {
            return e.getMessage();
        }
        throw new AssertionError("no start-up error for " + keys);
    }

    @Test
    void badZonesAndLinesAre400WithTheStartupMessage(@TempDir Path dir) throws Exception {
        CameraApi api = new CameraApi(dir, Map.of(), List.of("det"), Map.of(), m -> LABELS);
        String url = "\"url\": \"rtsp://cam/stream\"";
        Map<String, String> bodies = Map.of(
                "{" + url + ", \"zones.yard.points\": \"0,0; 10,0\"}", "zones.yard.points=0,0; 10,0",
                "{" + url + ", \"zones\": {\"yard\": {\"points\": [[0,0],[10,10],[10,0],[0,10]]}}}", "zones.yard.points=0,0;10,10;10,0;0,10",
                "{" + url + ", \"zones\": {\"yard\": {\"points\": [[0,0],[2,0],[1,1]], \"coordinates\": \"normalized\"}}}",
                "zones.yard.points=0,0;2,0;1,1|zones.yard.coordinates=normalized",
                "{" + url + ", \"lines\": {\"door\": {\"points\": [[5,5],[5,5]]}}}", "lines.door.points=5,5;5,5",
                "{" + url + ", \"zones\": {\"yard\": {\"points\": [[0,0],[10,0],[10,10]], \"labels\": \"unicorn\"}}}",
                "zones.yard.points=0,0;10,0;10,10|zones.yard.labels=unicorn");
        for (var b : bodies.entrySet()) {
            Exchange e = put(api, "door", b.getKey());
            assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).as(b.getKey()).isEqualTo(400);
            Map<String, String> keys = new java.util.TreeMap<>();
            keys.put("edgesight.cameras.door.url", "rtsp://cam/stream");
            for (String kv : b.getValue().split("\\|")) {
                String[] p = kv.split("=", 2);
                keys.put("edgesight.cameras.door." + p[0], p[1]);
            }
            assertThat(JSON.readTree(e.getMessage().getBody(String.class)).get("error").asText()).as(b.getKey())
                    .isEqualTo(startupError(keys));
        }
        assertThat(dir).isEmptyDirectory();
        // a malformed point is the key check's message, as at start-up
        Exchange e = put(api, "door", "{" + url + ", \"zones.yard.points\": \"0,0; x,1; 1,1\"}");
        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(e.getMessage().getBody(String.class)).contains("edgesight.cameras.door.zones.yard.points: 'x,1' is not a point");
    }
}
