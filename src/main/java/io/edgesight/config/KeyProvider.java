package io.edgesight.config;

import java.util.List;

/**
 * Keys a stage contributes to the configuration table (java.util.ServiceLoader, META-INF/services): the camera
 * stage contributes one key per option of its endpoint, so this package needs to know nothing of cameras.
 * Contributed keys are documented where their stage documents them (docs/CAMERAS.md), not one by one in
 * config/application.properties.
 */
public interface KeyProvider {
    List<ConfigKeys.Key> keys();
}
