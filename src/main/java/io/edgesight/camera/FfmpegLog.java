package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg's own messages go through our logger (not the process's stderr), credentials masked: FFmpeg prints
 * URLs in its messages. They are DEBUG: the camera's own one-line errors say what the user needs.
 */
final class FfmpegLog extends LogCallback {
    private static final Logger LOG = LoggerFactory.getLogger("io.edgesight.camera.ffmpeg");
    /** Strong reference: the native side holds only a pointer. */
    private static FfmpegLog instance;

    private FfmpegLog() {}

    static synchronized void install() {
        if (instance != null) return;
        instance = new FfmpegLog();
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        avutil.setLogCallback(instance);
    }

    @Override
    public void call(int level, BytePointer msg) {
        if (level > avutil.av_log_get_level()) return;
        String text = msg == null ? "" : msg.getString().strip();
        if (text.isEmpty()) return;
        LOG.debug("{}", SecretMasker.mask(text));
    }
}
