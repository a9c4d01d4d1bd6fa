package io.edgesight.camera;

import io.edgesight.motion.MotionGate;
import org.apache.camel.Exchange;

/**
 * Camera route step ({@code motion} bean, after the frame is kept and before preprocess): true when the frame goes
 * on to inference, false when the camera's motion gate leaves it out (no motion; counted as skipped_no_motion). A
 * frame left out keeps its sequence number, so the next inferred frame's shows the gap. Sets the
 * {@value CameraConstants#MOTION} header to the reason.
 */
public class MotionFilter {
    public static final String BEAN = "motion";

    public boolean infer(Exchange exchange) {
        if (!(exchange.getFromEndpoint() instanceof CameraEndpoint endpoint)) return true;
        CameraMotion motion = endpoint.cameraMotion();
        Frame frame = exchange.getMessage().getBody(Frame.class);
        if (motion == null || frame == null || frame.image() == null || !motion.gated()) return true;
        MotionGate.Reason r = motion.decide(frame);
        exchange.getMessage().setHeader(CameraConstants.MOTION, r.name());
        return r.infer();
    }
}
