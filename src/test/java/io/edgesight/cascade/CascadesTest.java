package io.edgesight.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.edgesight.camera.Frame;
import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cascade keys and the held frames, without an application. */
class CascadesTest {

    @Test
    void aHeldFrameOutlivesItsFrameAndTheOldestAreLetGoPastTheBound() throws Exception {
        Cascades c = new Cascades(Map.of());
        try (CamelContext ctx = new DefaultCamelContext()) {
            for (int i = 0; i <= Cascades.MAX_HELD; i++) {
                try (Scalar grey = new Scalar(i, i, i, 0); Frame f = new Frame("cam", i, 0, 0, new Mat(4, 6, opencv_core.CV_8UC3, grey))) {
                    Exchange e = new DefaultExchange(ctx);
                    e.getMessage().setBody(f);
                    c.hold(e);
                } // the frame (and its Mat) closed, as preprocessing does
            }
        }
        assertThat(c.heldCount()).isEqualTo(Cascades.MAX_HELD);
        assertThat(c.take("cam", 0)).as("the oldest was let go").isNull();
        try (Mat last = c.take("cam", Cascades.MAX_HELD)) {
            assertThat(last.cols()).isEqualTo(6);
            assertThat(last.ptr(0, 0).get()).as("the pixels are still there after the frame was closed").isEqualTo((byte) Cascades.MAX_HELD);
        }
        assertThat(c.take("cam", Cascades.MAX_HELD)).as("taken once").isNull();
    }

    @Test
    void aChainThatComesBackToItselfIsAStartUpError(@TempDir Path tmp) throws Exception {
        Path labels = Files.write(tmp.resolve("labels.txt"), List.of("person", "face"));
        Map<String, String> m = new HashMap<>();
        for (String id : List.of("a", "b")) {
            m.put("edgesight.models." + id + ".path", tmp.toString());
            m.put("edgesight.models." + id + ".labels", labels.toString());
            m.put("edgesight.models." + id + ".decoder", "detection");
        }
        m.put("edgesight.models.a.on", "b:face");
        m.put("edgesight.models.b.on", "a:person");
        assertThatThrownBy(() -> CascadeSpec.all(new Settings(m::get), List.of("a", "b")))
                .isInstanceOf(UserError.class)
                .hasMessage("edgesight.models.a.on: the cascade a <- b <- a comes back to itself; a model cannot run on its own detections");
        m.remove("edgesight.models.b.on");
        Map<String, CascadeSpec> ok = CascadeSpec.all(new Settings(m::get), List.of("a", "b"));
        assertThat(ok).containsOnlyKeys("a");
        assertThat(ok.get("a").parent()).isEqualTo("b");
        assertThat(ok.get("a").labels()).containsExactly("face");
        assertThat(new Cascades(ok).isParent("b")).isTrue();
        assertThat(new Cascades(ok).isParent("a")).isFalse();
    }
}
