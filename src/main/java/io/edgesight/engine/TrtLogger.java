package io.edgesight.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT's log sink, one per process (TensorRT keeps calling the logger of every builder and runtime it made).
 * Each API path hands TensorRT a small {@code ILogger} of its preset that forwards here; severities are TensorRT's
 * numbers (0 internal error, 1 error, 2 warning, 3 info, 4 verbose: the same in TensorRT 8 and 10).
 * Errors are collected for the one-line message of the step that failed and logged at debug only, so a bad model
 * gives one clear error instead of TensorRT's own lines; warnings are logged once each; info and verbose at debug.
 */
final class TrtLogger {
    private static final Logger LOG = LoggerFactory.getLogger("io.edgesight.engine.TensorRT");
    static final TrtLogger INSTANCE = new TrtLogger();
    static final int ERROR = 1, WARNING = 2;

    private final List<String> errors = new ArrayList<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private TrtLogger() {}

    void log(int severity, String msg) {
        if (severity <= ERROR) {
            synchronized (errors) {
                errors.add(msg);
                if (errors.size() > 200) errors.remove(0);
            }
            LOG.debug("TensorRT error: {}", msg);
        } else if (severity == WARNING) {
            if (warned.add(msg) && warned.size() < 1000) LOG.warn("TensorRT: {}", msg);
        } else {
            LOG.debug("TensorRT: {}", msg);
        }
    }

    /** Where the errors of one step start. */
    int mark() {
        synchronized (errors) {
            return errors.size();
        }
    }

    /** The errors logged since {@code mark}. */
    List<String> since(int mark) {
        synchronized (errors) {
            return new ArrayList<>(errors.subList(Math.min(mark, errors.size()), errors.size()));
        }
    }

    /** The last few errors: what a failed call most likely logged. */
    List<String> recent() {
        return since(Math.max(0, mark() - 3));
    }
}
