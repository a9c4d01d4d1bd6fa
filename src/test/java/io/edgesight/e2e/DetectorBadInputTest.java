package io.edgesight.e2e;

import java.nio.file.Path;

import io.edgesight.tooling.OnnxWriter;
import io.edgesight.testing.DetectorGraphs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detector configurations that cannot work, run as a user runs edgesight: one clear start-up line naming the
 * outputs and the key to set, exit 2, no stack trace.
 */
class DetectorBadInputTest {

    @BeforeAll
    static void sampleVideo() {
        BadInputTest.sampleVideo();
    }

    /** A YOLOv8n-shaped export: images [1, 3, 640, 640] -> output0 [1, 84, 8400]. */
    static Path yolov8(Path dir) throws Exception {
        return new DetectorGraphs("images", false, 1, 640, 640)
                .output("output0", OnnxWriter.FLOAT, new Object[] {1, 84, 8400}, new long[] {1, 84, 8400}, new float[84 * 8400], true)
                .write(dir.resolve("yolov8n.onnx"));
    }

    @Test
    void aClassifierOutputMatchesNoDetectionLayout() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight("edgesight.models.sample.decoder=detection"),
                "model 'sample': outputs [");
        // (the message goes on: "... match no detection layout with N labels; set edgesight.models.sample.box-format ...")
    }

    @Test
    void aBoxFormatThatContradictsTheShapes(@TempDir Path tmp) throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight("edgesight.models.sample.path=" + yolov8(tmp),
                        "edgesight.models.sample.batch-size=1", "edgesight.models.sample.decoder=detection",
                        "edgesight.models.sample.labels=samples/detector/coco-labels.txt",
                        "edgesight.models.sample.box-format=yolov5"),
                "edgesight.models.sample.box-format=yolov5 needs [N, anchors, 85] cx, cy, w, h, objectness, 80 class scores,"
                        + " but model 'sample' outputs [output0 float32 [1, 84, 8400]]");
    }
}
