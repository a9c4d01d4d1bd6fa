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

    /**
     * Defaults live in the key table only: a commented-out key line of config/application.properties shows the
     * table's default, the routes in the jar never restate one ({{key:default}}), and the readers refuse a
     * restated default.
     */
    @Test
    void defaultsLiveInTheKeyTableOnly() throws Exception {
        Pattern line = Pattern.compile("^(#?)\\s*(edgesight\\.[A-Za-z0-9_.-]+)\\s*=\\s*(.*)$");
        List<String> differ = new java.util.ArrayList<>();
        int checked = 0;
        for (String l : Files.readAllLines(Path.of("config/application.properties"))) {
            Matcher m = line.matcher(l);
            if (!m.find() || ConfigKeys.generic(m.group(2)).contains("{id}")) continue; // model/camera examples
            String def = ConfigKeys.defaultOf(m.group(2));
            if (def == null) continue;
            checked++;
            boolean same = def.equalsIgnoreCase(m.group(3).trim().replace("_", ""));
            if (m.group(1).isEmpty() && same) differ.add(m.group(2) + " = " + def + " restates the default: comment it out");
            if (!m.group(1).isEmpty() && !same) differ.add(m.group(2) + ": documented " + m.group(3).trim() + ", default " + def);
        }
        assertThat(differ).as("commented-out lines show the default, active lines change it").isEmpty();
        assertThat(checked).isGreaterThan(20);
        try (var routes = Files.list(Path.of("src/main/resources/edgesight/routes"))) {
            for (Path f : routes.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                assertThat(Files.readString(f)).as(f + " restates a default").doesNotContainPattern("\\{\\{edgesight\\.[^}]*:");
            }
        }
        Settings s = new Settings(k -> null);
        assertThat(s.integer("edgesight.mqtt.qos")).isEqualTo(1);
        assertThat(s.longInteger("edgesight.engine.trt.max-workspace-bytes")).isEqualTo(1L << 30);
        assertThat(s.string("edgesight.models.cam.resize")).isEqualTo("stretch");
        assertThat(s.bool("edgesight.kafka.enabled")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.integer("edgesight.mqtt.qos", 1, 0, 2))
                .hasMessageContaining("default in ConfigKeys");
        assertThat(new Settings(k -> "7").integer("edgesight.frames.quality")).isEqualTo(7);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Settings(k -> "3").integer("edgesight.mqtt.qos"))
                .isInstanceOf(UserError.class).hasMessageContaining("edgesight.mqtt.qos");
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
