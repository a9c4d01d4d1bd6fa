package io.edgesight.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.edgesight.config.ConfigValidator;
import io.edgesight.predict.ModelDescriptor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every YAML and properties example of docs/, README.md and routes/README.md is loaded, so the documentation cannot
 * drift from the product: properties blocks pass the start-up check (known keys, valid values), route YAML loads in
 * Camel's YAML DSL and its routes start, a model.yaml parses as a model descriptor. (The README's RTSP camera lines
 * are also started for real by RtspCameraByConfigurationTest.)
 */
class DocsExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("(?m)^ *```(yaml|properties)\\n(.*?)^ *```", Pattern.DOTALL);

    record Example(Path file, String kind, String text) {}

    static List<Example> examples() throws Exception {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md"), Path.of("routes/README.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Example> out = new ArrayList<>();
        for (Path f : files) {
            Matcher m = BLOCK.matcher(Files.readString(f));
            while (m.find()) out.add(new Example(f, m.group(1), m.group(2).stripIndent()));
        }
        return out;
    }

    @Test
    void everyPropertiesExamplePassesTheStartUpCheck() throws Exception {
        List<Example> props = examples().stream().filter(e -> e.kind().equals("properties")).toList();
        assertThat(props).as("properties examples (README, docs/CAMERAS.md, docs/JETSON.md)").hasSizeGreaterThan(8);
        for (Example e : props) {
            Properties p = new Properties();
            p.load(new StringReader(e.text()));
            Map<String, String> keys = new LinkedHashMap<>();
            p.stringPropertyNames().forEach(k -> keys.put(k, p.getProperty(k)));
            assertThat(keys).as("%s:\n%s", e.file(), e.text()).isNotEmpty();
            assertThat(ConfigValidator.validate(keys, e.file().toString())).as("%s:\n%s", e.file(), e.text()).isEmpty();
        }
    }

    @Test
    void everyRouteExampleLoadsAndStartsAndEveryModelYamlParses(@TempDir Path tmp) throws Exception {
        List<Example> yaml = examples().stream().filter(e -> e.kind().equals("yaml")).toList();
        assertThat(yaml).as("YAML examples").isNotEmpty();
        int routes = 0;
        for (Example e : yaml) {
            if (e.text().startsWith("- ")) {
                try (DefaultCamelContext ctx = new DefaultCamelContext()) {
                    PluginHelper.getRoutesLoader(ctx).loadRoutes(ResourceHelper.fromString("file:/example.yaml", e.text()));
                    ctx.start();
                    assertThat(ctx.getRoutes()).as("%s:\n%s", e.file(), e.text()).isNotEmpty()
                            .allMatch(r -> ctx.getRouteController().getRouteStatus(r.getRouteId()).isStarted());
                    routes++;
                }
            } else {
                Path dir = Files.createDirectories(tmp.resolve("model" + yaml.indexOf(e)));
                Files.writeString(dir.resolve(ModelDescriptor.FILE), e.text());
                ModelDescriptor d = ModelDescriptor.load(dir);
                assertThat(d.values()).as("%s:\n%s", e.file(), e.text()).isNotEmpty();
                Map<String, String> keys = new LinkedHashMap<>();
                d.values().forEach((k, v) -> keys.put("edgesight.models.m." + k, v));
                assertThat(ConfigValidator.validate(keys, e.file().toString())).as("%s:\n%s", e.file(), e.text()).isEmpty();
            }
        }
        assertThat(routes).as("the README's route of your own").isPositive();
    }
}
