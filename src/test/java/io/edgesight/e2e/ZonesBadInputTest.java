package io.edgesight.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zones and lines that cannot work, run as a user runs edgesight: one "edgesight: ..." line naming the key and what
 * is wrong, exit 2, no stack trace (the camera API answers the same lines with HTTP 400: CameraApiZonesTest).
 */
class ZonesBadInputTest {
    static final String Z = "edgesight.cameras.sample.zones.yard.";

    @BeforeAll
    static void sampleVideo() {
        BadInputTest.sampleVideo();
    }

    @Test
    void aZoneOfTwoPoints() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight(Z + "points=0,0; 100,0"),
                Z + "points: a zone needs at least 3 points (x,y; x,y; x,y), got 2");
    }

    @Test
    void aSelfIntersectingZone() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight(Z + "points=0,0; 100,100; 100,0; 0,100"),
                Z + "points: the polygon crosses itself (edge 1 meets edge 3)");
    }

    @Test
    void aPointOutsideTheFrame() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight(Z + "points=0,0; 1.5,0; 1,1", Z + "coordinates=normalized"),
                Z + "points: point (1.5, 0) is outside the frame (normalized coordinates are 0..1)");
    }

    @Test
    void aLineOfZeroLength() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight("edgesight.cameras.sample.lines.door.points=10,10; 10,10"),
                "edgesight.cameras.sample.lines.door.points: the line has zero length (both points are (10, 10))");
    }

    @Test
    void aLabelTheModelDoesNotHave() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight(Z + "points=0,0; 100,0; 100,100", Z + "labels=person"),
                Z + "labels: unknown label 'person'; the model's labels are ");
    }

    @Test
    void aPointThatIsNoPoint() throws Exception {
        BadInputTest.assertOneUserError(BadInputTest.edgesight(Z + "points=0,0; 100; 100,100"),
                Z + "points: '100' is not a point; list the points as x,y; x,y; ...");
    }
}
