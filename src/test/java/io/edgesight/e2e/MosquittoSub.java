package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs Debian's real mosquitto_sub (installed by .ci/run) against a broker. */
final class MosquittoSub {
    private MosquittoSub() {}

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/mosquitto_sub"));
    }

    static void assertReceives(String host, int port, String topic, int count) throws Exception {
        if (System.getenv("CI") != null) {
            assertThat(available()).as("CI must have mosquitto_sub (.ci/run installs mosquitto-clients)").isTrue();
        }
        assumeTrue(available(), "mosquitto_sub not installed");
        Process p = new ProcessBuilder("mosquitto_sub", "-h", host, "-p", Integer.toString(port), "-t", topic,
                "-C", Integer.toString(count), "-W", "20", "-V", "mqttv5").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().filter(l -> l.contains("\"schema\":1")).count()).isEqualTo(count);
    }
}
