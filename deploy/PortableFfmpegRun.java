// Runs edgesight with FFmpeg's SIMD code switched off (av_force_cpu_flags(0)), so FFmpeg decodes and converts
// pixels with its portable C code. deploy/arm64-emulation-check.sh runs its x86_64 reference this way: FFmpeg has
// an SSSE3 converter from yuv420p to bgr24 on x86_64 but none on arm64 (arm64 uses the C one), and the two round
// differently (measured on the sample video, FFmpeg 4.4: 56 % of the BGR bytes differ, by up to 3 levels, the
// SSSE3 ones 0.6 levels brighter on average). With SIMD off on both architectures the decoded pixels are
// bit-identical (same measurement), so what the comparison measures is the jar, not that converter.
//
//   java -cp target/edgesight.jar deploy/PortableFfmpegRun.java [edgesight arguments]
//
// Single-file Java program (Java 11+ source launcher).

public class PortableFfmpegRun {
    public static void main(String[] args) {
        org.bytedeco.ffmpeg.global.avutil.av_force_cpu_flags(0);
        io.edgesight.cli.EdgesightCli.main(args);
    }
}
