package io.edgesight.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.edgesight.tooling.OnnxWriter;
import io.edgesight.testing.DetectorGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgesight model inspect}: a model's input, outputs and the decoder edgesight would pick. */
class ModelInspectTest {

    @Test
    void printsTheOutputsAndTheInferredDetectionLayout(@TempDir Path tmp) throws Exception {
        Path f = new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, 84, 8400}, new long[] {1, 84, 8400}, new float[84 * 8400], true)
                .write(tmp.resolve("yolov8n.onnx"));
        CliRun r = CliRun.of("model", "inspect", f.toString(), "--labels", "samples/detector/coco-labels.txt");
        System.out.println(r.out() + r.err());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("input:   images").contains("NCHW")
                .contains("output0 float32 [1, 84, 8400]   <- primary")
                .contains("decoder: detection, layout yolov8 reading output0 as [4+C, anchors]");
    }

    @Test
    void saysWhyNoDetectionLayoutFitsAndFallsBackToClassification(@TempDir Path tmp) throws Exception {
        Path f = new DetectorGraphs("images", false, "batch", 224, 224)
                .output("logits", OnnxWriter.FLOAT, new Object[] {"batch", 1000}, new long[] {1, 1000}, new float[1000], true)
                .write(tmp.resolve("resnet.onnx"));
        CliRun r = CliRun.of("model", "inspect", f.toString());
        System.out.println(r.out() + r.err());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("logits float32 [1, 1000]")
                .contains("decoder detection does not fit: model 'inspect': outputs [logits float32 [1, 1000]] match no detection layout")
                .contains("decoder: classification");
    }
}
