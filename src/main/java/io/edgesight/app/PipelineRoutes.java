package io.edgesight.app;

import io.edgesight.camera.CameraComponent;
import io.edgesight.cascade.Cascades;
import io.edgesight.engine.ModelSpec;
import io.edgesight.zones.Analytics;
import io.edgesight.discovery.DiscoveryPublisher;
import io.edgesight.events.Events;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * The routes edgesight instantiates from the templates inside the jar (edgesight/routes/pipeline.yaml): a batcher
 * and an infer route per model, a camera route per camera (the cascade variants for a model others run on).
 * Route ids: batch-<model>, infer-<model>, camera-<id>.
 */
final class PipelineRoutes {
    private PipelineRoutes() {}

    static String cameraRouteId(String camera) { return "camera-" + camera; }

    static void addModel(CamelContext ctx, ModelSpec spec, int batchTimeoutMs) {
        TemplatedRouteBuilder.builder(ctx, "batcher").routeId("batch-" + spec.id())
                .parameter("model", spec.id())
                .parameter("batch-size", Integer.toString(spec.batchSize()))
                .parameter("timeout-ms", Integer.toString(batchTimeoutMs))
                .add();
        String infer = Cascades.lookup(ctx).isParent(spec.id()) ? "infer-cascade" : "infer";
        TemplatedRouteBuilder.builder(ctx, infer).routeId("infer-" + spec.id()).parameter("model", spec.id()).add();
    }

    /** Adds (or, with the same id, replaces) a camera; while Camel runs the new route starts at once. */
    static void addCamera(CamelContext ctx, CameraConfig camera) throws Exception {
        ctx.getComponent("camera", CameraComponent.class).configure(camera.id(), camera.options());
        Analytics analytics = ctx.getRegistry().lookupByNameAndType(Analytics.BEAN, Analytics.class);
        if (analytics != null) analytics.configure(camera.id(), camera.zones());
        DiscoveryPublisher discovery = ctx.getRegistry().lookupByNameAndType(DiscoveryPublisher.BEAN, DiscoveryPublisher.class);
        if (discovery != null) discovery.publish(camera.id(), camera.zones());
        String template = Cascades.lookup(ctx).isParent(camera.model()) ? "camera-cascade" : "camera";
        TemplatedRouteBuilder.builder(ctx, template).routeId(cameraRouteId(camera.id()))
                .parameter("camera", camera.id()).parameter("model", camera.model())
                .add();
    }

    /**
     * Stops a camera's route (its frames in flight go through, as at shutdown) and removes it with its endpoint.
     * False when there is no such camera.
     */
    static boolean removeCamera(CamelContext ctx, String camera) throws Exception {
        String routeId = cameraRouteId(camera);
        if (ctx.getRoute(routeId) == null) return false;
        ctx.getRouteController().stopRoute(routeId);
        ctx.removeRoute(routeId);
        ctx.getEndpoints().stream().filter(e -> e.getEndpointUri().equals("camera://" + camera)
                || e.getEndpointUri().equals("camera:" + camera)).toList().forEach(e -> {
                    try {
                        ctx.removeEndpoint(e);
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                });
        ctx.getComponent("camera", CameraComponent.class).unconfigure(camera);
        Analytics analytics = ctx.getRegistry().lookupByNameAndType(Analytics.BEAN, Analytics.class);
        if (analytics != null) analytics.remove(camera);
        Events events = ctx.getRegistry().lookupByNameAndType(Events.BEAN, Events.class);
        if (events != null) events.forget(camera);
        DiscoveryPublisher discovery = ctx.getRegistry().lookupByNameAndType(DiscoveryPublisher.BEAN, DiscoveryPublisher.class);
        if (discovery != null) discovery.remove(camera);
        return true;
    }
}
