package io.edgesight.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.edgesight.config.ConfigKeys;
import io.edgesight.config.ConfigValidator;
import org.apache.camel.spi.UriParam;
import org.junit.jupiter.api.Test;

/**
 * Every option of the camera: endpoint is a configuration key edgesight.cameras.<id>.<option>, checked from the
 * endpoint's own metadata: a value of the wrong type or out of the endpoint's range names the key, durations take
 * units, and a mistyped option name gets a "did you mean".
 */
class CameraOptionKeysTest {

    @Test
    void everyEndpointOptionIsAKeyAndABadValueOfEachIsRefusedNamingTheKey() {
        List<java.lang.reflect.Field> params = java.util.Arrays.stream(CameraEndpoint.class.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(UriParam.class)).toList();
        assertThat(params).hasSizeGreaterThan(20);
        assertThat(CameraOptions.all()).hasSameSizeAs(params);
        for (CameraOptions.Option o : CameraOptions.all()) {
            String key = "edgesight.cameras.door." + o.key();
            assertThat(ConfigKeys.find(key)).as(key).isPresent();
            assertThat(ConfigKeys.find("edgesight.cameras.defaults." + o.key())).as("defaults of " + key).isPresent();
            String bad = badValue(o);
            if (bad != null) {
                assertThat(ConfigKeys.problem(key, bad)).as(key + "=" + bad).isNotNull().startsWith(key);
            }
            if (o.defaultValue() != null) {
                assertThat(ConfigKeys.problem(key, o.defaultValue())).as("the default of " + key).isNull();
            }
        }
    }

    /** A value of the wrong type for the option, or null when any text is allowed. */
    private static String badValue(CameraOptions.Option o) {
        Class<?> t = o.type();
        if (!o.enums().isEmpty()) return "sideways";
        if (t == boolean.class || t == Boolean.class) return "yes";
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return o.duration() ? "soon" : "many";
        if (t == double.class || t == Double.class) return "fast";
        return null;
    }

    @Test
    void rangesComeFromTheEndpointsOwnValidation() {
        assertThat(ConfigKeys.problem("edgesight.cameras.door.queue-size", "0"))
                .isEqualTo("edgesight.cameras.door.queue-size must be between 1 and 1000, got 0");
        assertThat(ConfigKeys.problem("edgesight.cameras.door.flip-method", "9"))
                .isEqualTo("edgesight.cameras.door.flip-method must be between 0 and 7, got 9");
        assertThat(ConfigKeys.problem("edgesight.cameras.door.reconnect-jitter", "2")).contains("between 0 and 1");
        assertThat(ConfigKeys.problem("edgesight.cameras.door.queue-size", "4")).isNull();
    }

    @Test
    void durationsTakeUnitsAsWellAsPlainMilliseconds() {
        for (String v : List.of("10s", "500ms", "1m30s", "2500")) {
            assertThat(ConfigKeys.problem("edgesight.cameras.door.read-timeout-ms", v)).as(v).isNull();
        }
        CameraOptions.Option o = CameraOptions.byKey("read-timeout-ms");
        assertThat(CameraOptions.normalize(o, "10s")).isEqualTo("10000");
        assertThat(CameraOptions.normalize(o, "500ms")).isEqualTo("500");
        assertThat(CameraOptions.fromKeys(Map.of("reconnect-max-delay-ms", "2s", "fps", "5", "url", "rtsp://cam/a?x=1&y=2")))
                .containsEntry("reconnectMaxDelayMs", "2000").containsEntry("fps", "5")
                .containsEntry("url", "rtsp://cam/a?x=1&y=2");
    }

    @Test
    void aMistypedOptionGetsADidYouMean() {
        List<String> errors = ConfigValidator.validate(Map.of("edgesight.cameras.door.url", "rtsp://cam/stream",
                "edgesight.cameras.door.read-timout-ms", "5s", "edgesight.cameras.defaults.evry-nth", "2"), "test.properties");
        assertThat(errors).containsExactlyInAnyOrder(
                "unknown configuration key 'edgesight.cameras.defaults.evry-nth' in test.properties; did you mean edgesight.cameras.defaults.every-nth?",
                "unknown configuration key 'edgesight.cameras.door.read-timout-ms' in test.properties; did you mean edgesight.cameras.door.read-timeout-ms?");
    }
}
