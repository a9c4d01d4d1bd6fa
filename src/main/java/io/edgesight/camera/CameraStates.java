package io.edgesight.camera;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;

/**
 * Every camera's {@link CameraState}, bound in the registry as {@code cameraStates} (created on first use). The
 * start-up route asks it whether any camera could start at all.
 */
public class CameraStates {
    public static final String BEAN = "cameraStates";
    private final Map<String, CameraState> states = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.locks.ReentrantLock> turns = new ConcurrentHashMap<>();

    private static final Object LOOKUP = new Object();

    public static CameraStates lookup(CamelContext context) {
        synchronized (LOOKUP) {
            CameraStates s = context.getRegistry().lookupByNameAndType(BEAN, CameraStates.class);
            if (s == null) {
                s = new CameraStates();
                context.getRegistry().bind(BEAN, s);
            }
            return s;
        }
    }

    CameraState register(String cameraId) {
        return states.computeIfAbsent(cameraId, CameraState::new);
    }

    /**
     * The turn lock of a fair group: cameras of one group enter their routes one at a time in arrival order
     * (a fair lock), so when the engine holds them back every camera with a frame ready gets the next free place.
     */
    java.util.concurrent.locks.ReentrantLock turns(String group) {
        return turns.computeIfAbsent(group, g -> new java.util.concurrent.locks.ReentrantLock(true));
    }

    public Optional<CameraState> get(String cameraId) {
        return Optional.ofNullable(states.get(cameraId));
    }

    public List<CameraState> all() {
        return new ArrayList<>(states.values());
    }

    /** True when there is at least one camera and every one of them failed for good. */
    public boolean allFailed() {
        return !states.isEmpty() && states.values().stream().allMatch(CameraState::failed);
    }

    /** The error of the first failed camera (by id), for a one-line start-up error. */
    public Optional<String> firstError() {
        return states.values().stream().filter(CameraState::failed)
                .sorted(java.util.Comparator.comparing(CameraState::cameraId))
                .map(CameraState::error).filter(java.util.Objects::nonNull).findFirst();
    }
}
