package io.edgesight.camera;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgesight.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log layout masks camera credentials whoever logs them (Camel does, at DEBUG), exceptions included. */
class LogMaskingTest {

    @Test
    void everyFormOfACredentialIsMaskedInLogLines() {
        Logger log = LoggerFactory.getLogger("org.apache.camel.support.DefaultComponent");
        try (LogCapture logs = new LogCapture()) {
            log.debug("Creating endpoint uri=[camera://front?url=rtsp%3A%2F%2Fadmin%3Ahunter2%40cam%3A554%2Fs&x=1]");
            log.info("From[camera:front?url=rtsp://admin:hunter2@cam:554/s]");
            log.warn("Found property: edgesight.mqtt.password=hunter2 and token=hunter2&x=1");
            log.error("failed", new IllegalStateException("cannot open http://viewer:hunter2@cam/stream"));
            assertThat(logs.lines()).hasSize(4);
            assertThat(logs.lines()).noneMatch(l -> l.text().contains("hunter2"));
            assertThat(logs.lines().get(0).text()).isEqualTo("Creating endpoint uri=[camera://front?url=rtsp%3A%2F%2F***%40cam%3A554%2Fs&x=1]");
            assertThat(logs.lines().get(1).text()).isEqualTo("From[camera:front?url=rtsp://***@cam:554/s]");
            assertThat(logs.lines().get(2).text()).isEqualTo("Found property: edgesight.mqtt.password=*** and token=***&x=1");
            assertThat(logs.lines().get(3).text()).startsWith("failed").contains("http://***@cam/stream")
                    .contains("at io.edgesight.camera.LogMaskingTest");
        }
    }
}
