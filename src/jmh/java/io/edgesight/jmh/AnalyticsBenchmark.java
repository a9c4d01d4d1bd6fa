package io.edgesight.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.edgesight.predict.Box;
import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;
import io.edgesight.track.TrackerConfig;
import io.edgesight.track.Tracking;
import io.edgesight.zones.CameraAnalytics;
import io.edgesight.zones.CameraZones;
import io.edgesight.zones.LineCounts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The analytics step of one frame (what bean analytics does after predict:): the tracker ({@link Tracking}: Kalman
 * prediction, two IoU passes, the payload with track ids) and one camera's zones and lines ({@link CameraAnalytics}:
 * two zones, two lines) for {@code detections} objects walking across a 1280x720 frame with 1 px of detection noise.
 * The 1000 frames are made in advance and replayed in a loop (seq keeps growing). Line counts are not written to a
 * file here (a file write per crossing, at most two per track and line).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnalyticsBenchmark {
    static final int W = 1280, H = 720, FRAMES = 1000;

    @Param({"10", "100"})
    public int detections;

    private List<List<PredictionItem>> frames;
    private Tracking tracking;
    private CameraAnalytics analytics;
    private long seq;

    record Det(String label, int classId, double score, Box box) implements PredictionItem {}

    @Setup
    public void setup() {
        Random rnd = new Random(42);
        double[][] obj = new double[detections][4]; // x, y, vx, vy of each object's box centre
        for (double[] o : obj) {
            o[0] = 50 + rnd.nextDouble() * (W - 100);
            o[1] = 80 + rnd.nextDouble() * (H - 160);
            o[2] = (rnd.nextDouble() - 0.5) * 8;
            o[3] = (rnd.nextDouble() - 0.5) * 4;
        }
        frames = new ArrayList<>();
        for (int f = 0; f < FRAMES; f++) {
            List<PredictionItem> items = new ArrayList<>();
            for (double[] o : obj) {
                o[0] += o[2];
                o[1] += o[3];
                if (o[0] < 30 || o[0] > W - 30) o[2] = -o[2];
                if (o[1] < 60 || o[1] > H - 60) o[3] = -o[3];
                double n = rnd.nextGaussian();
                items.add(new Det("person", 0, 0.5 + 0.45 * rnd.nextDouble(),
                        new Box(o[0] - 20 + n, o[1] - 50 + n, o[0] + 20 + n, o[1] + 50 + n)));
            }
            frames.add(items);
        }
        tracking = new Tracking(TrackerConfig.defaults());
        analytics = new CameraAnalytics("cam", CameraZones.parse("cam", Map.of(
                "zones.left.points", "0,0; 640,0; 640,720; 0,720", "zones.drive.points", "300,200; 1000,150; 1100,600; 250,650",
                "lines.door.points", "640,0; 640,720", "lines.gate.points", "0,360; 1280,360"), List.of("person"), W, H), new LineCounts(null));
        seq = 0;
    }

    @Benchmark
    public CameraAnalytics.Result trackZonesAndLines() {
        List<PredictionItem> items = frames.get((int) (seq % FRAMES));
        Prediction p = new Prediction(1, "n", "cam", seq, "2025-06-01T12:00:00Z", "2025-06-01T12:00:00Z", "m",
                new Prediction.EngineInfo("e", "tensorflow", "FP32"), new Prediction.FrameSize(W, H), items, null,
                new Prediction.BatchInfo(1, 1), new Prediction.Timings(0, 0, 0, 0, 0, 0));
        Tracking.Update u = tracking.update(p);
        CameraAnalytics.Result r = analytics.update(seq, seq * 40, W, H, u.tracks(), u.ended());
        seq++;
        return r;
    }
}
