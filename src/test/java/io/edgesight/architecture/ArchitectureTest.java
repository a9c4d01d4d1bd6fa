package io.edgesight.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * One-way layers, checked on the compiled classes (target/classes): no cycle between packages; the configuration
 * primitives (io.edgesight.config) and the motion detector (io.edgesight.motion, used by the camera stage) import no
 * other edgesight package; nothing below the composition root imports
 * io.edgesight.app (only the command line and the benchmark harness, which run the application, may).
 */
class ArchitectureTest {
    static final Path CLASSES = Path.of("target/classes");
    static final Set<String> ABOVE_APP = Set.of("io.edgesight.app", "io.edgesight.cli", "io.edgesight.bench");
    /** Stages and the stages after them that they must not import: predict -> track -> zones -> events -> the outputs. */
    static final Map<String, Set<String>> NOT_ABOVE = Map.of(
            "io.edgesight.track", Set.of("io.edgesight.zones", "io.edgesight.events", "io.edgesight.sink", "io.edgesight.sink.mqtt",
                    "io.edgesight.sink.kafka", "io.edgesight.api", "io.edgesight.stats"),
            "io.edgesight.zones", Set.of("io.edgesight.events", "io.edgesight.sink", "io.edgesight.sink.mqtt",
                    "io.edgesight.sink.kafka", "io.edgesight.api", "io.edgesight.stats"),
            "io.edgesight.events", Set.of("io.edgesight.sink", "io.edgesight.sink.mqtt", "io.edgesight.sink.kafka",
                    "io.edgesight.api", "io.edgesight.stats"),
            "io.edgesight.discovery", Set.of("io.edgesight.sink", "io.edgesight.sink.mqtt", "io.edgesight.sink.kafka",
                    "io.edgesight.api", "io.edgesight.stats", "io.edgesight.events"));

    @Test
    void packagesFormNoCycleAndNothingBelowTheCompositionRootImportsIt() throws Exception {
        Map<String, Map<String, String>> deps = PackageDependencies.of(CLASSES);
        assertThat(deps).containsKeys("io.edgesight.app", "io.edgesight.config", "io.edgesight.camera", "io.edgesight.engine",
                "io.edgesight.motion", "io.edgesight.track");
        assertThat(violations(deps)).isEmpty();
    }

    /** Every broken rule, one line each with an example reference. */
    static List<String> violations(Map<String, Map<String, String>> deps) {
        List<String> out = new ArrayList<>();
        deps.getOrDefault("io.edgesight.config", Map.of()).forEach((p, example) ->
                out.add("io.edgesight.config must import no other edgesight package: " + example));
        // the motion detector works on pixels alone: the camera stage uses it, it knows no stage
        deps.getOrDefault("io.edgesight.motion", Map.of()).forEach((p, example) ->
                out.add("io.edgesight.motion must import no other edgesight package: " + example));
        NOT_ABOVE.forEach((pkg, later) -> deps.getOrDefault(pkg, Map.of()).forEach((p, example) -> {
            if (later.contains(p)) out.add(pkg + " imports a later stage: " + example);
        }));
        deps.forEach((pkg, uses) -> {
            if (!ABOVE_APP.contains(pkg) && uses.containsKey("io.edgesight.app")) {
                out.add(pkg + " imports the composition root: " + uses.get("io.edgesight.app"));
            }
        });
        for (List<String> cycle : cycles(deps)) {
            StringBuilder sb = new StringBuilder("package cycle ").append(String.join(" -> ", cycle)).append(':');
            for (int i = 0; i + 1 < cycle.size(); i++) sb.append(" [").append(deps.get(cycle.get(i)).get(cycle.get(i + 1))).append(']');
            out.add(sb.toString());
        }
        return out;
    }

    /** One cycle per strongly connected group of packages (Tarjan), each closed: a -> b -> a. */
    static List<List<String>> cycles(Map<String, Map<String, String>> deps) {
        List<List<String>> out = new ArrayList<>();
        for (String start : deps.keySet()) {
            List<String> path = findPathBack(deps, start, start, new ArrayList<>(List.of(start)), new java.util.HashSet<>());
            if (path != null && out.stream().noneMatch(c -> c.containsAll(path) && path.containsAll(c))) out.add(path);
        }
        return out;
    }

    private static List<String> findPathBack(Map<String, Map<String, String>> deps, String start, String at,
                                             List<String> path, Set<String> seen) {
        for (String next : deps.getOrDefault(at, Map.of()).keySet()) {
            if (next.equals(start)) {
                List<String> closed = new ArrayList<>(path);
                closed.add(start);
                return closed;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> found = findPathBack(deps, start, next, path, seen);
                if (found != null) return found;
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    /** The check itself: a planted upward import and a planted cycle are both reported. */
    @Test
    void aPlantedUpwardImportAndAPlantedCycleAreReported() {
        Map<String, Map<String, String>> deps = new java.util.TreeMap<>();
        deps.put("io.edgesight.app", Map.of("io.edgesight.camera", "app/EdgesightApp -> camera/CameraComponent"));
        deps.put("io.edgesight.camera", Map.of("io.edgesight.app", "camera/CameraConsumer -> app/Lifecycle",
                "io.edgesight.config", "camera/CameraKeys -> config/KeyProvider"));
        deps.put("io.edgesight.config", Map.of());
        deps.put("io.edgesight.motion", Map.of("io.edgesight.camera", "motion/MotionGate -> camera/Frame"));
        deps.put("io.edgesight.track", Map.of("io.edgesight.sink", "track/Tracking -> sink/FrameStore"));
        assertThat(violations(deps)).containsExactlyInAnyOrder(
                "io.edgesight.motion must import no other edgesight package: motion/MotionGate -> camera/Frame",
                "io.edgesight.track imports a later stage: track/Tracking -> sink/FrameStore",
                "io.edgesight.camera imports the composition root: camera/CameraConsumer -> app/Lifecycle",
                "package cycle io.edgesight.app -> io.edgesight.camera -> io.edgesight.app: "
                        + "[app/EdgesightApp -> camera/CameraComponent] [camera/CameraConsumer -> app/Lifecycle]");
    }
}
