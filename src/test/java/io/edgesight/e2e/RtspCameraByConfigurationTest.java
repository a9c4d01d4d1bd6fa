package io.edgesight.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgesight.app.EdgesightApp;
import io.edgesight.sample.SampleVideo;
import io.edgesight.testing.Ports;
import io.edgesight.testing.RtspServer;
import io.edgesight.testing.Tools;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: the README's lines that add an RTSP camera, taken from the README itself, appended to the default
 * configuration with the address of a real RTSP server (gst-rtsp-server); a real mosquitto_sub sees the new camera's
 * predictions on the embedded broker, and the sample camera keeps running beside it.
 */
@Tag("slow")
class RtspCameraByConfigurationTest {
    private static final Pattern BLOCK = Pattern.compile("To add an RTSP camera.*?```properties\\n(.*?)```", Pattern.DOTALL);

    /** The property lines the README shows for adding an RTSP camera. */
    static List<String> readmeLines() throws Exception {
        Matcher m = BLOCK.matcher(Files.readString(Path.of("README.md")));
        assertThat(m.find()).as("README shows how to add an RTSP camera in a properties block").isTrue();
        return m.group(1).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void theReadmesLinesAddAnRtspCameraWhosePredictionsMosquittoSubSees(@TempDir Path tmp) throws Exception {
        List<String> lines = readmeLines();
        assertThat(lines).as("at most three property lines").hasSizeBetween(1, 3).allMatch(l -> l.startsWith("edgesight.cameras."));
        Tools.requireRtspServer();
        SampleVideo.ensure(EndToEndTest.VIDEO);
        try (RtspServer server = RtspServer.start(320, 240, 25, "ball")) {
            String camera = null;
            StringBuilder added = new StringBuilder("\n");
            for (String l : lines) {
                String key = l.substring(0, l.indexOf('=')).strip();
                String value = l.substring(l.indexOf('=') + 1).strip();
                if (key.endsWith(".url")) {
                    assertThat(value).startsWith("rtsp://");
                    camera = key.split("\\.")[2];
                    value = server.url(); // the README's camera address, pointed at the test's server
                }
                added.append(key).append(" = ").append(value).append('\n');
            }
            assertThat(camera).as("one of the lines sets the camera's url").isNotNull();
            Path config = tmp.resolve("application.properties");
            Files.writeString(config, Files.readString(Path.of("config/application.properties")) + added);

            int broker = Ports.free();
            Map<String, String> o = EndToEndTest.baseOverrides(tmp.resolve("out"), Ports.free());
            o.put("edgesight.mqtt.embedded.port", Integer.toString(broker));
            EdgesightApp app = new EdgesightApp(new EdgesightApp.Options(config, Path.of("routes"), 0, 120, o));
            Thread t = new Thread(() -> {
                try {
                    app.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            try {
                String id = camera;
                Awaitility.await("the RTSP camera's first predictions").atMost(60, TimeUnit.SECONDS)
                        .until(() -> app.tracker() != null && app.tracker().published(id) >= 5);
                MosquittoSub.assertReceives("127.0.0.1", broker, "edgesight/" + camera + "/predictions", 5);
                MosquittoSub.assertReceives("127.0.0.1", broker, "edgesight/sample/predictions", 3);
            } finally {
                app.stop();
                t.join(60_000);
            }
        }
    }
}
