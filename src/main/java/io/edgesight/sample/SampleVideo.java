package io.edgesight.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.edgesight.config.UserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sample video of the embedded default: generated on first use (never committed), with its ground truth. */
public final class SampleVideo {
    private static final Logger LOG = LoggerFactory.getLogger(SampleVideo.class);
    public static final int FRAMES = 300;
    public static final int FPS = 25;
    public static final long SEED = 7;

    private SampleVideo() {}

    /** {@code shapes.mp4} -> {@code shapes.groundtruth.csv}: header {@code seq,label}, one row per frame. */
    public static Path groundTruthFor(Path video) {
        String name = video.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return video.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".groundtruth.csv");
    }

    /** Generates the video and its ground truth when either is missing. Safe to call from parallel tests. */
    public static synchronized void ensure(Path video) {
        if (Files.isRegularFile(video) && Files.isRegularFile(groundTruthFor(video))) return;
        try {
            Path parent = video.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            LOG.info("generating the sample video {} ({} frames at {} fps) and its ground truth", video, FRAMES, FPS);
            long t0 = System.nanoTime();
            SampleVideoGenerator.generate(video, groundTruthFor(video), FRAMES, FPS, SEED);
            LOG.info("sample video ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UserError("cannot write the sample video " + video.toAbsolutePath() + ": " + e.getMessage());
        }
    }
}
