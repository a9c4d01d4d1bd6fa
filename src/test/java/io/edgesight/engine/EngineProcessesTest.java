package io.edgesight.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgesight.testing.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine builds across real processes, as two services starting at once on one box would. */
@Tag("slow") // starts the whole application, a real server or a child process: -DexcludedGroups=slow leaves it out
class EngineProcessesTest {

    static Process engineBuild(Path config, Path engines, Path model) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.edgesight.cli.EdgesightCli", "engine", "build",
                "--config", config.toString(),
                "--set", "edgesight.engine.dir=" + engines,
                "--set", "edgesight.models.sample.path=" + model,
                "--set", "edgesight.models.sample.batch-size=2"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static long count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        long n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void twoProcessesStartingAtOnceBuildTheEngineOnce(@TempDir Path tmp) throws Exception {
        Path model = TestModels.channelMean(tmp.resolve("model"), -1, 32, 32);
        Path engines = tmp.resolve("engines");
        Path config = Path.of("config/application.properties");
        Process a = engineBuild(config, engines, model);
        Process b = engineBuild(config, engines, model);
        String outA = output(a);
        String outB = output(b);
        String both = outA + outB;
        assertThat(count(both, "building engine sample-b2-FP32-")).as(both).isEqualTo(1);
        assertThat(count(both, "\nbuilt  ")).isEqualTo(1);
        assertThat(count(both, "\ncached ")).isEqualTo(1);
        // auto policy on a TensorFlow without TensorRT: one loud warning per process, not one per engine or frame
        assertThat(count(outA, "TensorRT NOT AVAILABLE")).as(outA).isEqualTo(1);
        assertThat(count(outB, "TensorRT NOT AVAILABLE")).isEqualTo(1);
        try (var s = Files.list(engines)) {
            assertThat(s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("sample-b2-FP32-")).count()).isEqualTo(1);
        }
    }
}
