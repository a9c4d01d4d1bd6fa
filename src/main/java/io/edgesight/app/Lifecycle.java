package io.edgesight.app;

import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up ordering and fatal errors, for the YAML routes: the engines route starts the camera route group
 * once engines are ready, and a failure there stops the application with one clear message.
 */
public class Lifecycle implements CamelContextAware {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
    public static final String BEAN = "lifecycle";

    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final Runnable shutdown;
    private CamelContext camelContext;

    public Lifecycle(Runnable shutdown) {
        this.shutdown = shutdown;
    }

    /** Starts every route of a group (e.g. {@code cameras}), in route id order. */
    public void startRouteGroup(String group) throws Exception {
        int n = 0;
        for (Route r : camelContext.getRoutes().stream()
                .sorted(java.util.Comparator.comparing(Route::getRouteId)).toList()) {
            if (group.equals(r.getGroup())) {
                camelContext.getRouteController().startRoute(r.getRouteId());
                n++;
            }
        }
        if (n == 0) throw new UserError("no routes in group '" + group + "': give the camera routes 'group: " + group + "'");
        // a camera that cannot start does not stop the others; but when none of them could start, stop with its error
        io.edgesight.camera.CameraStates cameras = io.edgesight.camera.CameraStates.lookup(camelContext);
        if (cameras.allFailed()) {
            throw new UserError(cameras.firstError().orElse("no camera could start"));
        }
        LOG.info("started {} route(s) of group '{}'", n, group);
    }

    /** Called by a route's error handler: remember the error and stop the application. */
    public void fatal(Exchange exchange) {
        Throwable t = exchange.getException();
        if (t == null) t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (t == null) t = new IllegalStateException("start-up route failed");
        if (fatal.compareAndSet(null, t)) {
            Thread stopper = new Thread(shutdown, "edgesight-fatal-stop");
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    public Throwable fatalError() { return fatal.get(); }

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }

    @Override
    public CamelContext getCamelContext() { return camelContext; }
}
