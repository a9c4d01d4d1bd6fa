package io.edgesight.predict;

import java.util.ArrayList;
import java.util.List;

import io.edgesight.engine.InferredFrame;

/** The detection decoder behind the {@code predict:} step: detections with boxes in source-frame pixels. */
final class DetectionItems implements Decoder {
    static final String NAME = "detection";

    /** One detected object in the payload: label, class id, score and box (0.1 px). */
    record Item(String label, int classId, double score, Box box) implements PredictionItem {}

    private final DetectionDecoder decoder;
    private final DetectionLayout layout;

    DetectionItems(DetectionDecoder decoder, DetectionLayout layout) {
        this.decoder = decoder;
        this.layout = layout;
    }

    public DetectionLayout layout() { return layout; }

    @Override
    public String name() { return NAME; }

    @Override
    public Decoded decode(InferredFrame frame) {
        List<Item> items = new ArrayList<>();
        for (Detection d : layout.decode(decoder, frame.outputs(), frame.row(), frame.frame().transform())) {
            Detection.Box b = d.box().rounded();
            items.add(new Item(d.label(), d.classId(), d.score(), new Box(b.x1(), b.y1(), b.x2(), b.y2())));
        }
        return new Decoded(items, null);
    }
}
