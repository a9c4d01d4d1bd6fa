// Decodes the first N frames of a video to BGR24 as edgesight's camera does (FFmpegFrameGrabber, AV_PIX_FMT_BGR24),
// writes the raw pixels (rows without padding) and prints their sha256. Mode "portable" switches FFmpeg's SIMD code
// off first (av_force_cpu_flags(0)); "bitexact" asks swscale for SWS_ACCURATE_RND | SWS_BITEXACT. Used to find why the
// arm64 and x86_64 runs of deploy/arm64-emulation-check.sh differed (docs/JETSON.md, "The comparison's tolerance"):
//
//   java -cp target/edgesight.jar deploy/DecodePixels.java VIDEO FRAMES OUT.raw [default|portable|bitexact|portable+bitexact]
import java.io.*;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

public class DecodePixels {
    public static void main(String[] a) throws Exception {
        String video = a[0]; int n = Integer.parseInt(a[1]); String out = a[2]; String mode = a.length > 3 ? a[3] : "default";
        if (mode.contains("portable")) avutil.av_force_cpu_flags(0);
        System.out.println("cpu flags " + avutil.av_get_cpu_flags() + " ffmpeg " + avutil.av_version_info().getString());
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(video);
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        if (mode.contains("bitexact")) g.setImageScalingFlags(swscale.SWS_BILINEAR | swscale.SWS_ACCURATE_RND | swscale.SWS_BITEXACT);
        g.start();
        System.out.println(g.getImageWidth() + "x" + g.getImageHeight() + " " + g.getVideoCodecName() + " src pix_fmt " + g.getPixelFormat());
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        try (OutputStream o = new BufferedOutputStream(new FileOutputStream(out))) {
            for (int i = 0; i < n; i++) {
                Frame f = g.grabImage();
                if (f == null) break;
                ByteBuffer b = (ByteBuffer) f.image[0];
                byte[] row = new byte[f.imageWidth * 3];
                for (int y = 0; y < f.imageHeight; y++) {
                    b.position(y * f.imageStride);
                    b.get(row);
                    o.write(row);
                    all.update(row);
                }
            }
        }
        g.stop();
        System.out.println("sha256 " + java.util.HexFormat.of().formatHex(all.digest()));
    }
}
