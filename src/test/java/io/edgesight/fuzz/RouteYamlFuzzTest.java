package io.edgesight.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.edgesight.app.EdgesightApp;
import io.edgesight.config.UserError;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/**
 * The repository's YAML routes, mutated (and random YAML): Camel's YAML DSL loads them, or the start-up error is
 * one line (naming the file, line and column for YAML syntax errors). Load only: a fresh, unstarted Camel context
 * per try, no cameras or engines, so a few hundred tries take seconds.
 */
class RouteYamlFuzzTest {

    @Test
    void mutatedRouteFilesLoadOrGiveOneClearError() throws Exception {
        List<Path> files = List.of(Path.of("src/main/resources/edgesight/routes/pipeline.yaml"),
                Path.of("src/main/resources/edgesight/routes/outputs.yaml"), Path.of("src/main/resources/edgesight/routes/api.yaml"));
        List<String> texts = files.stream().map(f -> {
            try {
                return Files.readString(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        int[] loaded = new int[1];
        int[] syntax = new int[1];
        int n = Fuzz.tries("route yaml", 200, (r, i) -> {
            int f = i % files.size();
            String text = r.nextInt(10) == 0 ? Fuzz.randomText(r, 60) : Fuzz.mutate(r, texts.get(f), 3);
            String location = "file:/routes/fuzz-" + files.get(f).getFileName();
            try (DefaultCamelContext ctx = new DefaultCamelContext()) {
                ctx.getCamelContextExtension().setName("fuzz");
                try {
                    PluginHelper.getRoutesLoader(ctx).loadRoutes(ResourceHelper.fromString(location, text));
                    loaded[0]++;
                } catch (Exception e) {
                    RuntimeException u = EdgesightApp.startupError(e);
                    assertThat(u).isInstanceOf(UserError.class);
                    assertThat(u.getMessage()).as("error for %s", Fuzz.show(text)).isNotBlank().doesNotContain("\n");
                    if (u.getMessage().startsWith("cannot parse route file")) {
                        syntax[0]++;
                        assertThat(u.getMessage()).contains("/routes/fuzz-" + files.get(f).getFileName());
                    }
                } catch (StackOverflowError | OutOfMemoryError e) {
                    throw new AssertionError(Fuzz.show(text) + " took the YAML loader down: " + e, e);
                }
            }
        });
        System.out.printf("route yaml fuzz: %d files, %d loaded, %d YAML syntax errors naming the file (and line, column), the rest one-line errors%n",
                n, loaded[0], syntax[0]);
        assertThat(loaded[0]).isPositive().isLessThan(n);
    }
}
