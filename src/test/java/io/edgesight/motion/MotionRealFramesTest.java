package io.edgesight.motion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.edgesight.testing.MotionFootage;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

/**
 * Gating decisions on real footage: OpenCV's vtest.avi (people walking through a hall, 768x576) and real photographs
 * (Debian's python3-skimage), with the default settings of a camera.
 */
class MotionRealFramesTest {
    static final long MS = 1_000_000L;

    static MotionSettings on(String mask) {
        MotionSettings d = MotionSettings.OFF;
        return new MotionSettings(MotionMode.on, d.width(), d.threshold(), d.minArea(), d.globalChange(), 0, 0, d.alpha(),
                MotionMask.parse(mask));
    }

    /** Reasons for consecutive frames at 100 ms intervals (the video's 10 fps). */
    static List<MotionGate.Reason> gate(MotionSettings s, List<Mat> frames) {
        List<MotionGate.Reason> out = new ArrayList<>();
        try (MotionGate g = new MotionGate(s)) {
            for (int i = 0; i < frames.size(); i++) out.add(g.decide(frames.get(i), i * 100 * MS));
        }
        return out;
    }

    static long count(List<MotionGate.Reason> r, MotionGate.Reason which) {
        return r.stream().filter(x -> x == which).count();
    }

    @Test
    void peopleWalkingInVtestAreMotion() {
        List<Mat> frames = MotionFootage.read(MotionFootage.vtest(), 0, 100);
        try {
            List<MotionGate.Reason> r = gate(on(null), frames);
            assertThat(count(r, MotionGate.Reason.motion)).as("people walk through every second of the clip").isGreaterThanOrEqualTo(95);
        } finally {
            frames.forEach(Mat::close);
        }
    }

    @Test
    void aStillVtestFrameWithSensorNoiseAndThenALightingChangeIsNotMotion() {
        List<Mat> first = MotionFootage.read(MotionFootage.vtest(), 0, 1);
        List<Mat> frames = new ArrayList<>();
        try (Mat hall = first.get(0); Mat brighter = Frames.lit(hall, 1.3, 30)) {
            for (int i = 0; i < 40; i++) frames.add(Frames.noisy(hall, 6));
            for (int i = 0; i < 20; i++) frames.add(Frames.noisy(brighter, 6));
            List<MotionGate.Reason> r = gate(on(null), frames);
            assertThat(r.get(0)).isEqualTo(MotionGate.Reason.first);
            assertThat(r.subList(1, 40)).containsOnly(MotionGate.Reason.still);
            assertThat(r.get(40)).isEqualTo(MotionGate.Reason.lighting);
            assertThat(r.subList(41, 60)).containsOnly(MotionGate.Reason.still);
        } finally {
            frames.forEach(Mat::close);
        }
    }

    @Test
    void aSmallRealObjectMovingAcrossARealPhotographIsMotionAndAMaskHidesIt() {
        try (Mat room = MotionFootage.photo("astronaut.png"); Mat cat = MotionFootage.photo("chelsea.png"); Mat small = new Mat()) {
            // a 48x40 pixel copy of the cat photograph (0.7 % of the 512x512 frame) crossing the lower half of the photograph
            opencv_imgproc.resize(cat, small, new Size(48, 40), 0, 0, opencv_imgproc.INTER_AREA);
            List<Mat> frames = new ArrayList<>();
            for (int i = 0; i < 10; i++) frames.add(Frames.noisy(room, 5));
            for (int i = 0; i < 10; i++) {
                try (Mat m = Frames.withPatch(room, small, 20 + 48 * i, 400)) {
                    frames.add(Frames.noisy(m, 5));
                }
            }
            try {
                List<MotionGate.Reason> r = gate(on(null), frames);
                assertThat(r.subList(1, 10)).containsOnly(MotionGate.Reason.still);
                assertThat(count(r.subList(10, 20), MotionGate.Reason.motion)).isGreaterThanOrEqualTo(9);
                // the lower third masked (normalised polygon): nothing is motion
                List<MotionGate.Reason> masked = gate(on("0,0.7,1.0,0.7,1.0,1.0,0,1.0"), frames);
                assertThat(masked.subList(1, 20)).containsOnly(MotionGate.Reason.still);
            } finally {
                frames.forEach(Mat::close);
            }
        }
    }

    @Test
    void aMaskOverTheWalkwayOfVtestLeavesOnlyThePeopleOutsideIt() {
        Path video = MotionFootage.vtest();
        List<Mat> frames = MotionFootage.read(video, 0, 100);
        try {
            // the whole frame masked in pixels: no motion at all
            List<MotionGate.Reason> all = gate(on("0,0,768,0,768,576,0,576"), frames);
            assertThat(all.subList(1, all.size())).containsOnly(MotionGate.Reason.still);
            List<MotionGate.Reason> none = gate(on(null), frames);
            assertThat(count(none, MotionGate.Reason.motion)).isGreaterThan(90);
        } finally {
            frames.forEach(Mat::close);
        }
    }

}
