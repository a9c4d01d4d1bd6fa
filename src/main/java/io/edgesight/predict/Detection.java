package io.edgesight.predict;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One detected object of a frame: its class, score and box in source-frame pixels. */
@JsonPropertyOrder({"label", "classId", "score", "box"})
public record Detection(String label, int classId, double score, Box box) {

    /** Corners in source-frame pixels: (x1, y1) top left, (x2, y2) bottom right, x1 &le; x2, y1 &le; y2. */
    @JsonPropertyOrder({"x1", "y1", "x2", "y2"})
    public record Box(double x1, double y1, double x2, double y2) {
        @JsonIgnore
        public double width() { return x2 - x1; }

        @JsonIgnore
        public double height() { return y2 - y1; }

        @JsonIgnore
        public double area() { return Math.max(0, width()) * Math.max(0, height()); }

        /** Intersection over union; 0 when either box is empty. */
        public double iou(Box o) {
            double iw = Math.min(x2, o.x2) - Math.max(x1, o.x1);
            double ih = Math.min(y2, o.y2) - Math.max(y1, o.y1);
            if (iw <= 0 || ih <= 0) return 0;
            double inter = iw * ih;
            double union = area() + o.area() - inter;
            return union <= 0 ? 0 : inter / union;
        }

        /** Rounded to 0.1 px for payloads. */
        public Box rounded() {
            return new Box(r(x1), r(y1), r(x2), r(y2));
        }

        private static double r(double v) { return Math.round(v * 10) / 10.0; }
    }
}
