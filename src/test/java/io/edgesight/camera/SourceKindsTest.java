package io.edgesight.camera;

import io.edgesight.config.SecretMasker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every URI form picks its kind of source, and builds the pipeline or FFmpeg options the docs promise. */
class SourceKindsTest {
    static CamelContext ctx;

    @BeforeAll
    static void context() {
        ctx = new DefaultCamelContext();
        ctx.start();
    }

    @AfterAll
    static void close() throws Exception {
        ctx.close();
    }

    static CameraEndpoint endpoint(String uri) {
        return ctx.getEndpoint(uri, CameraEndpoint.class);
    }

    @Test
    void schemesPickTheirKind() {
        assertThat(endpoint("camera:a?url=samples/x.mp4").kind()).isEqualTo("file");
        assertThat(endpoint("camera:b?url=file:///tmp/x.mp4").kind()).isEqualTo("file");
        assertThat(endpoint("camera:c?url=rtsp://cam/stream").kind()).isEqualTo("rtsp");
        assertThat(endpoint("camera:d?url=rtmp://cam/live").kind()).isEqualTo("stream");
        assertThat(endpoint("camera:e?url=http://cam/stream").kind()).isEqualTo("http");
        assertThat(endpoint("camera:f?url=http://cam/stream&format=mjpeg").kind()).isEqualTo("mjpeg");
        assertThat(endpoint("camera:g?url=https://cam/live.m3u8&format=hls").kind()).isEqualTo("stream");
        assertThat(endpoint("camera:h?url=v4l2:///dev/video0").kind()).isEqualTo("v4l2");
        assertThat(endpoint("camera:i?url=csi://0").kind()).isEqualTo("csi");
        assertThat(endpoint("camera:j?url=gst:videotestsrc").kind()).isEqualTo("gst");
        assertThat(endpoint("camera:k?url=folder:/tmp/images").kind()).isEqualTo("folder");
        assertThat(endpoint("camera:l?url=RAW(foo://bar)").kind()).isEqualTo("unknown:foo");
    }

    @Test
    void sourcesAreLiveExceptFilesAndFolders() {
        assertThat(endpoint("camera:m?url=samples/x.mp4").createSource().live()).isFalse();
        assertThat(endpoint("camera:n?url=folder:/tmp").createSource().live()).isFalse();
        assertThat(endpoint("camera:o?url=rtsp://cam/s").createSource().live()).isTrue();
        assertThat(endpoint("camera:p?url=http://cam/s").createSource().live()).isTrue();
        assertThat(endpoint("camera:q?url=v4l2:///dev/video0").createSource().live()).isTrue();
        assertThat(endpoint("camera:r?url=csi://1").createSource().live()).isTrue();
        CameraEndpoint file = endpoint("camera:s?url=samples/x.mp4");
        assertThat(file.effectiveDropPolicy(false)).isEqualTo(DropPolicy.block);
        assertThat(file.effectiveDropPolicy(true)).isEqualTo(DropPolicy.dropOldest);
        assertThat(endpoint("camera:t?url=rtsp://x/y&dropPolicy=block").effectiveDropPolicy(true)).isEqualTo(DropPolicy.block);
    }

    @Test
    void v4l2DeviceThroughFfmpeg() {
        FfmpegFrameSource s = (FfmpegFrameSource) endpoint(
                "camera:desk?url=v4l2:///dev/video2&inputFormat=yuyv&width=640&height=480&captureFps=15").createSource();
        assertThat(s.url()).isEqualTo("/dev/video2");
        assertThat(s.format()).isEqualTo("video4linux2");
        assertThat(s.options()).containsEntry("input_format", "yuyv422").containsEntry("video_size", "640x480")
                .containsEntry("framerate", "15/1");
        assertThat(s.live()).isTrue();
        FfmpegFrameSource mjpeg = (FfmpegFrameSource) endpoint("camera:desk2?url=v4l2:/dev/video0&inputFormat=mjpeg").createSource();
        assertThat(mjpeg.options()).containsEntry("input_format", "mjpeg").doesNotContainKey("video_size");
        assertThatThrownBy(() -> endpoint("camera:desk3?url=v4l2:///dev/video9").createSource().open())
                .hasMessage("camera 'desk3': V4L2 device /dev/video9 does not exist; is the camera plugged in? (ls /dev/video*)");
    }

    /** Any url (a pipeline, a query string, a password with + or %) survives a YAML parameter inside RAW(...). */
    @Test
    void urlsWithPipelinesAndQueriesSurviveYamlParametersInRaw() throws Exception {
        String pipeline = "gst:rtspsrc location=rtsp://u:p+1%@cam/s?a=1&b=2 latency=200 ! rtph264depay ! nvv4l2decoder"
                + " ! video/x-raw(memory:NVMM),width=320,framerate=25/1 ! nvvidconv ! identity name=\"a b\"";
        try (CamelContext yamlCtx = new DefaultCamelContext()) {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("cam.url", pipeline);
            yamlCtx.getPropertiesComponent().setInitialProperties(props);
            String yaml = "- route:\n    id: cam\n    autoStartup: false\n    from:\n      uri: camera:y\n      parameters:\n"
                    + "        url: 'RAW({{cam.url}})'\n        width: 320\n      steps:\n        - log: x\n"
                    + "- route:\n    id: cam2\n    autoStartup: false\n    from:\n      uri: camera:z\n      parameters:\n"
                    + "        url: 'RAW(" + pipeline.replace("'", "''") + ")'\n      steps:\n        - log: x\n";
            org.apache.camel.support.PluginHelper.getRoutesLoader(yamlCtx)
                    .loadRoutes(org.apache.camel.support.ResourceHelper.fromString("cams.yaml", yaml));
            yamlCtx.start();
            CameraEndpoint e = (CameraEndpoint) yamlCtx.getRoute("cam").getEndpoint();
            assertThat(e.getUrl()).isEqualTo(pipeline);
            assertThat(e.getWidth()).isEqualTo(320);
            assertThat(e.getEndpointUri()).doesNotContain("u:p").doesNotContain("u%3Ap");
            assertThat(((CameraEndpoint) yamlCtx.getRoute("cam2").getEndpoint()).getUrl()).isEqualTo(pipeline);
        }
    }

    @Test
    void rtspOptions() {
        FfmpegFrameSource s = (FfmpegFrameSource) endpoint(
                "camera:front?url=rtsp://cam/s&rtspTransport=udp&readTimeoutMs=3000&videoStream=1").createSource();
        assertThat(s.options()).containsEntry("rtsp_transport", "udp").containsEntry("timeout", "3000000");
    }

    @Test
    void jetsonCsiPipeline() {
        GstreamerFrameSource s = (GstreamerFrameSource) endpoint(
                "camera:csi0?url=csi://1&width=1280&height=720&captureFps=60&flipMethod=2").createSource();
        assertThat(s.pipeline()).isEqualTo("nvarguscamerasrc sensor-id=1"
                + " ! video/x-raw(memory:NVMM),width=1280,height=720,framerate=60/1,format=NV12"
                + " ! nvvidconv flip-method=2 ! video/x-raw,format=BGRx"
                + " ! videoconvert ! videoscale ! video/x-raw,format=BGR,width=1280,height=720 ! fdsink fd=1 sync=false");
        GstreamerFrameSource rotated = (GstreamerFrameSource) endpoint("camera:csi1?url=csi://0&flipMethod=1").createSource();
        assertThat(rotated.pipeline()).contains("nvarguscamerasrc sensor-id=0").contains("width=1920,height=1080,framerate=30/1")
                .endsWith("video/x-raw,format=BGR,width=1080,height=1920 ! fdsink fd=1 sync=false");
        GstreamerFrameSource emulated = (GstreamerFrameSource) endpoint(
                "camera:csi2?url=csi://0&width=320&height=240&csiEmulation=true&flipMethod=3").createSource();
        assertThat(emulated.pipeline()).startsWith("videotestsrc is-live=true pattern=smpte").contains("videoflip video-direction=1")
                .doesNotContain("nvarguscamerasrc").doesNotContain("nvvidconv");
    }

    @Test
    void customGstreamerPipelineGetsTheBgrTail() {
        GstreamerFrameSource s = (GstreamerFrameSource) endpoint(
                "camera:g1?url=RAW(gst:rtspsrc location=rtsp://u:p@cam/s ! decodebin)&width=320&height=240").createSource();
        assertThat(s.pipeline()).isEqualTo("rtspsrc location=rtsp://u:p@cam/s ! decodebin ! videoconvert ! videoscale"
                + " ! video/x-raw,format=BGR,width=320,height=240 ! fdsink fd=1 sync=false");
        assertThat(s.describe()).doesNotContain("u:p").contains("***@cam");
    }

    @Test
    void unknownSchemeIsAPermanentErrorNamingTheCamera() {
        assertThatThrownBy(() -> endpoint("camera:weird?url=RAW(foo://user:secret@cam/x)").createSource())
                .isInstanceOf(CameraException.class)
                .hasMessageStartingWith("camera 'weird': unknown source 'foo:'")
                .hasMessageNotContaining("secret")
                .matches(e -> ((CameraException) e).isPermanent());
    }

    @Test
    void badOptionsNameTheCamera() {
        assertThatThrownBy(() -> endpoint("camera:x1?url=rtsp://a/b&everyNth=0"))
                .hasRootCauseMessage("camera 'x1': everyNth must be 1 or more, got 0");
        assertThatThrownBy(() -> endpoint("camera:x2?url=csi://0&flipMethod=9"))
                .hasRootCauseMessage("camera 'x2': flipMethod must be between 0 and 7, got 9");
    }

    @Test
    void endpointUriKeptByCamelIsMasked() {
        CameraEndpoint e = endpoint("camera:sec?url=rtsp%3A%2F%2Fadmin%3Ahunter2%40cam%2Fs");
        assertThat(e.getEndpointUri()).doesNotContain("hunter2");
        assertThat(e.getUrl()).isEqualTo("rtsp://admin:hunter2@cam/s");
        assertThat(SecretMasker.mask("url=rtsp://admin:hunter2@cam/s")).isEqualTo("url=rtsp://***@cam/s");
        assertThat(SecretMasker.mask("url=rtsp%3A%2F%2Fadmin%3Ahunter2%40cam%2Fs")).isEqualTo("url=rtsp%3A%2F%2F***%40cam%2Fs");
        assertThat(SecretMasker.mask("url=rtsp%3A%2F%2Fcam%2Fs%40x")).isEqualTo("url=rtsp%3A%2F%2Fcam%2Fs%40x");
    }
}
