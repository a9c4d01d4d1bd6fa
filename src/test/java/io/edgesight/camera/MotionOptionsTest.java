package io.edgesight.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.edgesight.config.ConfigKeys;
import io.edgesight.config.ConfigValidator;
import io.edgesight.motion.MotionGate;
import io.edgesight.motion.MotionMode;
import io.edgesight.stats.PipelineTracker;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * The motion gate's options are camera keys like every other (edgesight.cameras.<id>.motion, motion-threshold ...,
 * under edgesight.cameras.defaults.*), checked with a sentence naming the key; a gated camera counts what it leaves out.
 */
class MotionOptionsTest {

    @Test
    void motionKeysExistForEveryCameraAndTheDefaults() {
        for (String k : List.of("motion", "motion-width", "motion-threshold", "motion-min-area", "motion-global-change",
                "motion-keep-alive-ms", "motion-duration-ms", "motion-alpha", "motion-mask")) {
            assertThat(ConfigKeys.find("edgesight.cameras.door." + k)).as(k).isPresent();
            assertThat(ConfigKeys.find("edgesight.cameras.defaults." + k)).as(k).isPresent();
        }
        assertThat(ConfigKeys.problem("edgesight.cameras.door.motion", "trigger")).isNull();
        assertThat(ConfigKeys.problem("edgesight.cameras.door.motion-keep-alive-ms", "30s")).isNull();
        assertThat(ConfigKeys.problem("edgesight.cameras.door.motion-mask", "0,0,0.5,0,0.5,1.0,0,1.0;600,0,640,0,640,40")).isNull();
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndWhatToWrite() {
        assertThat(ConfigKeys.problem("edgesight.cameras.door.motion", "sometimes"))
                .isEqualTo("edgesight.cameras.door.motion must be one of off, on, trigger, got 'sometimes'");
        assertThat(ConfigKeys.problem("edgesight.cameras.door.motion-threshold", "300"))
                .isEqualTo("edgesight.cameras.door.motion-threshold must be between 1 and 255 (grey levels), got 300");
        assertThat(ConfigKeys.problem("edgesight.cameras.door.motion-global-change", "0"))
                .isEqualTo("edgesight.cameras.door.motion-global-change must be more than 0 and at most 1, got 0.0");
        assertThat(ConfigKeys.problem("edgesight.cameras.door.motion-min-area", "0"))
                .isEqualTo("edgesight.cameras.door.motion-min-area must be 1 or more (pixels of the grey copy), got 0");
        assertThat(ConfigKeys.problem("edgesight.cameras.door.motion-mask", "0,0,100,0"))
                .isEqualTo("edgesight.cameras.door.motion-mask polygon 1 '0,0,100,0' needs at least 3 points as x,y pairs"
                        + " (x1,y1,x2,y2,x3,y3), got 4 number(s)");
        List<String> errors = ConfigValidator.validate(Map.of("edgesight.cameras.defaults.motion-mask", "0,0,0.5,0,300,200"), "test.properties");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("edgesight.cameras.defaults.motion-mask polygon 1 '0,0,0.5,0,300,200' mixes fractions and pixels");
    }

    @Test
    void aGatedCameraCountsTheFramesItLeavesOutWhereStatsAndStatusReadThem() {
        CameraEndpoint endpoint = new CameraEndpoint("camera:door", new CameraComponent(), "door");
        endpoint.setUrl("folder:/tmp");
        endpoint.setMotion(MotionMode.on);
        endpoint.setMotionKeepAliveMs(0);
        endpoint.validate();
        CameraState state = new CameraState("door");
        PipelineTracker tracker = new PipelineTracker();
        try (CameraMotion motion = new CameraMotion(endpoint.motionSettings(), state, tracker);
             Mat grey = new Mat(480, 640, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0))) {
            List<MotionGate.Reason> reasons = new java.util.ArrayList<>();
            for (long seq = 0; seq < 5; seq++) {
                tracker.frameEmitted("door");
                try (Frame f = new Frame("door", seq, System.currentTimeMillis(), seq * 100_000_000L, grey.clone())) {
                    reasons.add(motion.decide(f));
                }
            }
            assertThat(reasons).containsExactly(MotionGate.Reason.first, MotionGate.Reason.still, MotionGate.Reason.still,
                    MotionGate.Reason.still, MotionGate.Reason.still);
            tracker.framePublished("door");
        }
        assertThat(state.skippedNoMotion()).isEqualTo(4);
        assertThat(state.payload().get("frames")).asString().contains("skippedNoMotion=4");
        assertThat(tracker.skippedNoMotion("door")).isEqualTo(4);
        assertThat(tracker.inFlight()).as("a frame left out is accounted for: a bounded run still drains").isZero();
        tracker.sourceFinished("door", 5);
        assertThat(tracker.drained()).isTrue();
    }
}
