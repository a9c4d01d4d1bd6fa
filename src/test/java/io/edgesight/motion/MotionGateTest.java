package io.edgesight.motion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Gating decisions on synthetic frames: noise, lighting, a small moving object, masks, keep-alive, trigger mode. */
class MotionGateTest {
    static final long MS = 1_000_000L;

    static MotionSettings settings(MotionMode mode, long keepAliveMs, long durationMs, String mask) {
        MotionSettings d = MotionSettings.OFF;
        return new MotionSettings(mode, d.width(), d.threshold(), d.minArea(), d.globalChange(), keepAliveMs, durationMs,
                d.alpha(), MotionMask.parse(mask));
    }

    /** The gate's reasons for frames at 100 ms intervals. */
    static List<MotionGate.Reason> decide(MotionGate gate, List<Mat> frames) {
        List<MotionGate.Reason> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) out.add(gate.decide(frames.get(i), i * 100 * MS));
        frames.forEach(Mat::close);
        return out;
    }

    @Test
    void aStillSceneWithSensorNoiseIsNotMotion() {
        try (Mat scene = Frames.scene(640, 480, 1); MotionGate gate = new MotionGate(settings(MotionMode.on, 0, 0, null))) {
            List<Mat> frames = new ArrayList<>();
            for (int i = 0; i < 60; i++) frames.add(Frames.noisy(scene, 8));
            List<MotionGate.Reason> r = decide(gate, frames);
            assertThat(r.get(0)).isEqualTo(MotionGate.Reason.first);
            assertThat(r.subList(1, r.size())).containsOnly(MotionGate.Reason.still);
        }
    }

    @Test
    void aGlobalLightingChangeIsNotMotionAndTheNewLightingBecomesTheBackground() {
        try (Mat scene = Frames.scene(640, 480, 2); Mat bright = Frames.lit(scene, 1.35, 25);
             MotionGate gate = new MotionGate(settings(MotionMode.on, 0, 0, null))) {
            List<Mat> frames = new ArrayList<>();
            for (int i = 0; i < 10; i++) frames.add(Frames.noisy(scene, 4));
            for (int i = 0; i < 20; i++) frames.add(Frames.noisy(bright, 4)); // the lights go on at frame 10
            List<MotionGate.Reason> r = decide(gate, frames);
            assertThat(r.get(10)).isEqualTo(MotionGate.Reason.lighting);
            assertThat(gate.last().changedShare()).isLessThan(0.01);
            assertThat(r.subList(1, 10)).containsOnly(MotionGate.Reason.still);
            assertThat(r.subList(11, r.size())).containsOnly(MotionGate.Reason.still);
        }
    }

    @Test
    void aSmallMovingObjectIsMotionAndItsFramesAreInferred() {
        try (Mat scene = Frames.scene(640, 480, 3); MotionGate gate = new MotionGate(settings(MotionMode.on, 0, 0, null))) {
            List<Mat> frames = new ArrayList<>();
            for (int i = 0; i < 5; i++) frames.add(Frames.noisy(scene, 6));
            // 32x32 pixels of a 640x480 frame (0.3 % of it), moving 24 px a frame
            for (int i = 0; i < 8; i++) {
                try (Mat m = Frames.withSquare(scene, 300 + 24 * i, 200, 32)) {
                    frames.add(Frames.noisy(m, 6));
                }
            }
            List<MotionGate.Reason> r = decide(gate, frames);
            assertThat(r.subList(1, 5)).containsOnly(MotionGate.Reason.still);
            assertThat(r.subList(5, 13)).containsOnly(MotionGate.Reason.motion);
            assertThat(r.subList(5, 13)).allMatch(MotionGate.Reason::infer);
        }
    }

    @Test
    void anObjectSmallerThanTheMinimumAreaIsNotMotion() {
        try (Mat scene = Frames.scene(640, 480, 4); MotionGate gate = new MotionGate(settings(MotionMode.on, 0, 0, null))) {
            List<Mat> frames = new ArrayList<>(List.of(Frames.noisy(scene, 6)));
            // 8x8 frame pixels = 2x2 pixels of the 160 px wide grey copy, below motionMinArea 20
            for (int i = 0; i < 6; i++) {
                try (Mat m = Frames.withSquare(scene, 100 + 40 * i, 100, 8)) {
                    frames.add(Frames.noisy(m, 6));
                }
            }
            assertThat(decide(gate, frames).subList(1, 7)).containsOnly(MotionGate.Reason.still);
        }
    }

    @Test
    void motionInsideAMaskIsIgnoredAndOutsideItIsNot() {
        for (String leftHalf : List.of("0,0,0.5,0,0.5,1.0,0,1.0", "0,0,320,0,320,480,0,480", "600,0,639,0,639,20;0,0,320,0,320,480,0,480")) {
            try (Mat scene = Frames.scene(640, 480, 5); MotionGate gate = new MotionGate(settings(MotionMode.on, 0, 0, leftHalf))) {
                List<Mat> frames = new ArrayList<>(List.of(Frames.noisy(scene, 6)));
                for (int i = 0; i < 5; i++) {
                    try (Mat m = Frames.withSquare(scene, 40 + 30 * i, 200, 48)) { // inside the left half
                        frames.add(Frames.noisy(m, 6));
                    }
                }
                for (int i = 0; i < 5; i++) {
                    try (Mat m = Frames.withSquare(scene, 400 + 30 * i, 200, 48)) { // right half
                        frames.add(Frames.noisy(m, 6));
                    }
                }
                List<MotionGate.Reason> r = decide(gate, frames);
                assertThat(r.subList(1, 6)).as(leftHalf).containsOnly(MotionGate.Reason.still);
                assertThat(r.subList(6, 11)).as(leftHalf).containsOnly(MotionGate.Reason.motion);
            }
        }
    }

    @Test
    void whileStillOneFrameIsInferredEveryKeepAliveInterval() {
        try (Mat scene = Frames.scene(640, 480, 6); MotionGate gate = new MotionGate(settings(MotionMode.on, 1000, 0, null))) {
            List<Mat> frames = new ArrayList<>();
            for (int i = 0; i < 51; i++) frames.add(Frames.noisy(scene, 6)); // 0 .. 5.0 s
            List<MotionGate.Reason> r = decide(gate, frames);
            List<Integer> inferred = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) if (r.get(i).infer()) inferred.add(i);
            assertThat(inferred).containsExactly(0, 10, 20, 30, 40, 50);
            assertThat(r.get(10)).isEqualTo(MotionGate.Reason.keepAlive);
        }
    }

    @Test
    void triggerModeRunsInferenceUntilTheDurationAfterTheLastMotion() {
        for (MotionMode mode : List.of(MotionMode.trigger, MotionMode.on)) {
            try (Mat scene = Frames.scene(640, 480, 7); MotionGate gate = new MotionGate(settings(mode, 0, 2000, null))) {
                List<Mat> frames = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    if (i >= 10 && i <= 12) {
                        try (Mat m = Frames.withSquare(scene, 100 + 40 * i, 200, 40)) { // moves during 1.0 .. 1.2 s
                            frames.add(Frames.noisy(m, 6));
                        }
                    } else {
                        frames.add(Frames.noisy(scene, 6));
                    }
                }
                List<MotionGate.Reason> r = decide(gate, frames);
                List<Integer> inferred = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) if (r.get(i).infer()) inferred.add(i);
                if (mode == MotionMode.trigger) {
                    // the last motion at 1.2 s: inference runs to 3.2 s (frame 32), then stops
                    List<Integer> expected = new ArrayList<>(List.of(0));
                    for (int i = 10; i <= 32; i++) expected.add(i);
                    assertThat(inferred).containsExactlyElementsOf(expected);
                    assertThat(r.get(20)).isEqualTo(MotionGate.Reason.trigger);
                } else {
                    assertThat(inferred).containsExactly(0, 10, 11, 12);
                }
            }
        }
    }

    @Test
    void modeOffInfersEveryFrameWithoutLookingAtIt() {
        try (MotionGate gate = new MotionGate(MotionSettings.OFF)) {
            assertThat(gate.decide(null, 0)).isEqualTo(MotionGate.Reason.off);
            assertThat(gate.last()).isNull();
        }
    }

    @Test
    void masksAreCheckedWithAClearSentence() {
        assertThat(MotionMask.parse(" ").isEmpty()).isTrue();
        assertThat(MotionMask.parse("0,0,10,0,10,10; 0.5,0.5,0.6,0.5,0.6,0.6").size()).isEqualTo(2);
        assertThatThrownBy(() -> MotionMask.parse("0,0,10,0")).hasMessage(
                "polygon 1 '0,0,10,0' needs at least 3 points as x,y pairs (x1,y1,x2,y2,x3,y3), got 4 number(s)");
        assertThatThrownBy(() -> MotionMask.parse("0,0,10,0,10,10;0,0,1,x,1,1")).hasMessage("polygon 2 '0,0,1,x,1,1': 'x' is not a number");
        assertThatThrownBy(() -> MotionMask.parse("0,0,-5,0,10,10")).hasMessage("polygon 1 '0,0,-5,0,10,10': '-5' must be 0 or more");
        assertThatThrownBy(() -> MotionMask.parse("0,0,0.5,0,100,200")).hasMessageContaining("mixes fractions and pixels");
        assertThatThrownBy(() -> MotionMask.parse(";")).hasMessageContaining("has no polygon");
    }

    @Test
    void outOfRangeSettingsNameTheOption() {
        MotionSettings d = MotionSettings.OFF;
        assertThat(d.problem()).isNull();
        assertThat(new MotionSettings(MotionMode.on, 160, 300, 20, 0.5, 0, 0, 0.05, MotionMask.NONE).problem())
                .isEqualTo("motionThreshold must be between 1 and 255 (grey levels), got 300");
        assertThat(new MotionSettings(MotionMode.on, 160, 25, 20, 1.5, 0, 0, 0.05, MotionMask.NONE).problem())
                .startsWith("motionGlobalChange must be");
        assertThat(new MotionSettings(MotionMode.on, 8, 25, 20, 0.5, 0, 0, 0.05, MotionMask.NONE).problem())
                .startsWith("motionWidth must be between 16 and 1920");
    }
}
