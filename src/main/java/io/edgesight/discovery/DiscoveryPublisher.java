package io.edgesight.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgesight.zones.CameraZones;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the discovery documents of each camera (retained) and removes those no longer wanted with an empty
 * retained message: a zone or line gone from a camera, a camera removed (through the API, or from the configuration
 * between two runs: the topics published are kept in {@code <output dir>/homeassistant-discovery.json}).
 * Bean {@value #BEAN}, bound only with edgesight.homeassistant.enabled = true.
 */
public final class DiscoveryPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryPublisher.class);
    public static final String BEAN = "homeAssistantDiscovery";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE = "homeassistant-discovery.json";

    private final String node, prefix, haPrefix;
    private final Path file;
    private final BiConsumer<String, String> retained;
    private final Map<String, List<String>> published = new TreeMap<>();

    /** {@code retained}: sends one retained message (topic, payload; an empty payload deletes the retained one). */
    public DiscoveryPublisher(String node, String prefix, String haPrefix, Path dir, BiConsumer<String, String> retained) {
        this.node = node;
        this.prefix = prefix;
        this.haPrefix = haPrefix;
        this.file = dir.resolve(FILE);
        this.retained = retained;
        if (Files.isRegularFile(file)) {
            try {
                published.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, List<String>>>() {}));
            } catch (IOException e) {
                LOG.warn("{} unreadable ({}): discovery documents of removed cameras stay in Home Assistant", file, e.getMessage());
            }
        }
    }

    /** At start: the cameras of an earlier run that are no longer configured lose their entities. */
    public synchronized void keepOnly(Collection<String> cameras) {
        for (String c : new ArrayList<>(published.keySet())) if (!cameras.contains(c)) remove(c);
    }

    /** A camera added or changed: its documents, and empty ones for what it no longer has. */
    public synchronized void publish(String camera, CameraZones zones) {
        Map<String, String> docs = HomeAssistantDiscovery.documents(node, prefix, haPrefix, camera, zones);
        for (String old : published.getOrDefault(camera, List.of())) if (!docs.containsKey(old)) retained.accept(old, "");
        docs.forEach(retained);
        published.put(camera, List.copyOf(docs.keySet()));
        save();
    }

    public synchronized void remove(String camera) {
        List<String> topics = published.remove(camera);
        if (topics == null) return;
        for (String t : topics) retained.accept(t, "");
        save();
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + FILE + ".tmp");
            JSON.writeValue(tmp.toFile(), published);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("discovery topics not saved to {}: {}", file, e.getMessage());
        }
    }
}
