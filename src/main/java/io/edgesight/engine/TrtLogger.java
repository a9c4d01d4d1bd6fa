package io.edgesight.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT's log sink, one per process (TensorRT keeps calling the logger of every builder and runtime it made).
 * Errors are collected for the one-line message of the step that failed and logged at debug only, so a bad model
 * gives one clear error instead of TensorRT's own lines; warnings are logged once each; info and verbose at debug.
 */
final class TrtLogger extends ILogger {
    private static final Logger LOG = LoggerFactory.getLogger("io.edgesight.engine.TensorRT");
    static final TrtLogger INSTANCE = new TrtLogger();

    private final List<String> errors = new ArrayList<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private TrtLogger() {}

    @Override
    public void log(Severity severity, String msg) {
        int s = severity.value;
        if (s <= Severity.kERROR.value) {
            synchronized (errors) {
                errors.add(msg);
                if (errors.size() > 200) errors.remove(0);
            }
            LOG.debug("TensorRT error: {}", msg);
        } else if (s == Severity.kWARNING.value) {
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
}
