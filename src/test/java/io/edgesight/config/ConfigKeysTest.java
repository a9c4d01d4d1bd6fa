package io.edgesight.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The key table and the documentation agree, and each kind of value is checked with a message naming the key. */
class ConfigKeysTest {
    /** A key line of config/application.properties, active or commented out (documented but optional). */
    private static final Pattern KEY_LINE = Pattern.compile("^#?\\s*((?:edgesight|camel)\\.[A-Za-z0-9_.-]+)\\s*=");

    @Test
    void everyKeyInTheTableIsDocumentedAndEveryDocumentedKeyIsInTheTable() throws Exception {
        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("config/application.properties"))) {
            Matcher m = KEY_LINE.matcher(line);
            if (m.find()) documented.add(ConfigKeys.generic(m.group(1)));
        }
        Set<String> table = new TreeSet<>();
        ConfigKeys.all().forEach(k -> table.add(k.name()));
        assertThat(new TreeSet<>(table)).as("keys in the table but not in config/application.properties")
                .isSubsetOf(documented);
        Set<String> known = new TreeSet<>(table);
        ConfigKeys.contributed().forEach(k -> known.add(k.name())); // the camera: endpoint's options (docs/CAMERAS.md)
        assertThat(documented).as("keys documented in config/application.properties but missing from ConfigKeys")
                .isSubsetOf(known);
        assertThat(table).hasSizeGreaterThan(90);
    }

    @Test
    void everyKindOfValueIsCheckedAndTheMessageNamesTheKey() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("edgesight.models.cam-1.batch-size", "zero");
        bad.put("edgesight.models.m.top-k", "0");
        bad.put("edgesight.engine.trt.max-workspace-bytes", "99999999999999999999");
        bad.put("edgesight.models.m.min-score", "1.5");
        bad.put("edgesight.models.m.mean", "0.5,x,0.5");
        bad.put("edgesight.cameras.door.loop", "yes");
        bad.put("edgesight.models.m.resize", "squash");
        bad.put("edgesight.output.dir", "out\0put");
        bad.put("edgesight.mqtt.embedded.host", "my host");
        bad.put("edgesight.mqtt.broker-url", "mqtt://broker:1883");
        bad.put("edgesight.mqtt.prefix", "edge/#");
        bad.put("edgesight.webhook.url", "ftp://hooks.example.com/x");
        bad.put("camel.server.port", "99999");
        for (var e : bad.entrySet()) {
            assertThat(ConfigKeys.problem(e.getKey(), e.getValue())).as(e.getKey()).isNotNull().contains(e.getKey());
        }
        Map<String, String> good = Map.of("edgesight.models.cam-1.batch-size", "8", "edgesight.models.m.resize", "Letterbox",
                "edgesight.engine.trt.max-workspace-bytes", "1_073_741_824", "edgesight.mqtt.embedded.host", "::1",
                "edgesight.webhook.url", "https://user:pw@hooks.example.com:8443/x?a=b", "edgesight.cameras.x.url", "gst:videotestsrc ! appsink",
                "edgesight.models.m.mean", "0.485, 0.456,0.406", "edgesight.mqtt.broker-url", "ssl://broker:8883");
        good.forEach((k, v) -> assertThat(ConfigKeys.problem(k, v)).as(k + "=" + v).isNull());
        assertThat(ConfigKeys.problem("edgesight.webhook.url", "gopher://user:Pw-Secret@host/x")).doesNotContain("Pw-Secret");
    }

    @Test
    void validatorReportsUnknownKeysAndBadValuesTogether() {
        List<String> errors = ConfigValidator.validate(Map.of("edgesight.mqtt.qos", "3", "edgesight.mqtt.qso", "1",
                "edgesight.http.auth", "digest", "camel.server.port", "http"), "test.properties");
        assertThat(errors).containsExactlyInAnyOrder(
                "camel.server.port must be a whole number, got 'http'",
                "edgesight.http.auth: unknown authentication 'digest'; use one of none, basic, bearer",
                "edgesight.mqtt.qos must be between 0 and 2, got 3",
                "unknown configuration key 'edgesight.mqtt.qso' in test.properties; did you mean edgesight.mqtt.qos?");
    }
}
