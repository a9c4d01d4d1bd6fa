package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An http(s):// camera whose kind is not given: the response's Content-Type decides. A
 * {@code multipart/x-mixed-replace} response is read as MJPEG on the same connection; anything else (HLS, MPEG-TS,
 * FLV, ...) is handed to FFmpeg.
 */
public class HttpFrameSource implements FrameSource {
    private final String cameraId;
    private final String url;
    private final int openTimeoutMs;
    private final int readTimeoutMs;
    private final Supplier<FfmpegFrameSource> ffmpeg;
    private volatile FrameSource delegate;

    public HttpFrameSource(String cameraId, String url, int openTimeoutMs, int readTimeoutMs, Supplier<FfmpegFrameSource> ffmpeg) {
        this.cameraId = cameraId;
        this.url = url;
        this.openTimeoutMs = openTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
        this.ffmpeg = ffmpeg;
    }

    @Override
    public void open() throws CameraException {
        close();
        HttpURLConnection c = MjpegFrameSource.connect(cameraId, url, openTimeoutMs, readTimeoutMs);
        if (MjpegFrameSource.isMultipart(c)) {
            MjpegFrameSource m = new MjpegFrameSource(cameraId, url, openTimeoutMs, readTimeoutMs);
            m.use(c);
            delegate = m;
        } else {
            c.disconnect();
            FfmpegFrameSource f = ffmpeg.get();
            f.open();
            delegate = f;
        }
    }

    @Override
    public Mat grab() throws CameraException {
        FrameSource d = delegate;
        if (d == null) throw new CameraException("camera '" + cameraId + "': " + describe() + " is not open");
        return d.grab();
    }

    @Override
    public double frameRate() {
        FrameSource d = delegate;
        return d == null ? 0 : d.frameRate();
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public void abort() {
        FrameSource d = delegate;
        if (d != null) d.abort();
    }

    @Override
    public String describe() {
        FrameSource d = delegate;
        return d != null ? d.describe() : "HTTP stream " + SecretMasker.mask(url);
    }

    @Override
    public void close() {
        FrameSource d = delegate;
        delegate = null;
        if (d != null) d.close();
    }
}
