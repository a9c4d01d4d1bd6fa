package io.edgesight.e2e;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cascades that cannot work (edgesight.models.<id>.on), run as a user runs edgesight: one clear start-up line
 * naming the key and what to do, exit 2, no stack trace, before any model loads.
 */
class CascadeBadInputTest {

    @BeforeAll
    static void sampleVideo() {
        BadInputTest.sampleVideo();
    }

    @Test
    void aCascadeOnAnUnknownModel() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight("edgesight.models.sample.on=people:person"),
                "edgesight.models.sample.on names model 'people', which is not configured (models: sample);"
                        + " declare edgesight.models.people.path or fix edgesight.models.sample.on");
    }

    @Test
    void aCascadeOnAModelThatIsNotADetector() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight("edgesight.models.second.path=samples/models/shapes",
                        "edgesight.models.second.labels=samples/models/shapes/labels.txt", "edgesight.models.second.on=sample:circle"),
                "edgesight.models.second.on: model 'sample' is not a detector (its decoder is classification), so it has no"
                        + " boxes to crop");
    }

    @Test
    void aCascadeOnALabelTheDetectorDoesNotHave(@TempDir Path tmp) throws Exception {
        Path yolo = DetectorBadInputTest.yolov8(tmp);
        BadInputTest.assertOneUserError(BadInputTest.edgesight("edgesight.models.sample.path=" + yolo,
                        "edgesight.models.sample.batch-size=1", "edgesight.models.sample.decoder=detection",
                        "edgesight.models.sample.labels=samples/detector/coco-labels.txt",
                        "edgesight.models.second.path=samples/models/shapes", "edgesight.models.second.labels=samples/models/shapes/labels.txt",
                        "edgesight.models.second.on=sample:person,face"),
                "edgesight.models.second.on: 'face' is not a label of model 'sample' (samples/detector/coco-labels.txt has 80 labels)");
    }
}
