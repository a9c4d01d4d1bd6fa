package io.edgesight.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The hand-off, the reconnect backoff and the frame-rate control on their own. */
class LiveBehaviourUnitTest {

    private static Frame frame(long seq) {
        return new Frame("c", seq, 0, System.nanoTime(), new Mat(48, 64, CV_8UC3));
    }

    @Test
    void dropOldestNeverWaitsCountsEveryDropAndFreesItsPixels() throws Exception {
        FrameHandoff h = new FrameHandoff(2, DropPolicy.dropOldest);
        List<Frame> offered = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Frame f = frame(i);
            offered.add(f);
            Frame victim = h.offer(f);
            if (i >= 2) {
                assertThat(victim).isSameAs(offered.get(i - 2));
                assertThat(victim.image()).as("native memory released at once").isNull();
            } else {
                assertThat(victim).isNull();
            }
        }
        assertThat(h.dropped()).isEqualTo(8);
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.highWater()).isEqualTo(2);
        // the newest two wait, in order
        assertThat(h.poll(0, TimeUnit.MILLISECONDS).seq()).isEqualTo(8);
        assertThat(h.poll(0, TimeUnit.MILLISECONDS).seq()).isEqualTo(9);
        h.close();
        assertThat(h.poll(10, TimeUnit.MILLISECONDS)).isNull();
        assertThat(h.isClosedAndEmpty()).isTrue();
    }

    @Test
    void blockWaitsForRoomAndLosesNothing() throws Exception {
        FrameHandoff h = new FrameHandoff(1, DropPolicy.block);
        h.offer(frame(0));
        Thread producer = new Thread(() -> {
            try {
                for (int i = 1; i < 5; i++) h.offer(frame(i));
                h.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        List<Long> got = new ArrayList<>();
        Frame f;
        while ((f = h.poll(2, TimeUnit.SECONDS)) != null) {
            got.add(f.seq());
            f.close();
            Thread.sleep(20);
        }
        producer.join(2000);
        assertThat(got).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(h.dropped()).isZero();
        assertThat(h.highWater()).isEqualTo(1);
    }

    @Test
    void clearFreesWaitingFrames() throws Exception {
        FrameHandoff h = new FrameHandoff(3, DropPolicy.dropOldest);
        Frame a = frame(0), b = frame(1);
        h.offer(a);
        h.offer(b);
        assertThat(h.clear()).isEqualTo(2);
        assertThat(a.image()).isNull();
        assertThat(b.image()).isNull();
    }

    @Test
    void backoffDoublesWithJitterUpToTheMaximumAndCountsAttempts() {
        Backoff b = new Backoff(100, 1000, 0.2, 0);
        for (int i = 0; i < 50; i++) {
            assertThat(b.delayMs(1)).isBetween(80L, 120L);
            assertThat(b.delayMs(2)).isBetween(160L, 240L);
            assertThat(b.delayMs(3)).isBetween(320L, 480L);
            assertThat(b.delayMs(10)).isBetween(800L, 1000L);
            assertThat(b.delayMs(1000)).isBetween(800L, 1000L);
        }
        assertThat(b.allows(1_000_000)).as("unlimited by default").isTrue();
        Backoff limited = new Backoff(100, 1000, 0, 3);
        assertThat(limited.allows(3)).isTrue();
        assertThat(limited.allows(4)).isFalse();
        assertThat(limited.delayMs(2)).isEqualTo(200);
        // jitter really spreads the delays
        assertThat(java.util.stream.IntStream.range(0, 50).mapToLong(i -> b.delayMs(3)).distinct().count()).isGreaterThan(5);
    }

    @Test
    void targetFpsKeepsThatManyFramesPerSecond() {
        FrameRateControl c = new FrameRateControl(10, 1);
        int kept = 0;
        for (int i = 0; i < 250; i++) { // 10 s of a 25 fps source with +-3 ms jitter
            long t = i * 40_000_000L + (i % 3 - 1) * 3_000_000L;
            if (c.accept(t)) kept++;
        }
        assertThat(kept).isBetween(98, 102);
        FrameRateControl same = new FrameRateControl(25, 1);
        int all = 0;
        for (int i = 0; i < 250; i++) if (same.accept(i * 40_000_000L + (i % 2) * 2_000_000L)) all++;
        assertThat(all).as("a source at the target rate is not thinned").isEqualTo(250);
    }

    @Test
    void everyNthFrame() {
        FrameRateControl c = new FrameRateControl(0, 3);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < 10; i++) if (c.accept(i)) kept.add(i);
        assertThat(kept).containsExactly(0, 3, 6, 9);
    }
}
