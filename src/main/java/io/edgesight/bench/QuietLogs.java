package io.edgesight.bench;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;

/** Warnings only while a bench runs (its progress lines stay readable); the logging configuration is reloaded after. */
final class QuietLogs implements AutoCloseable {
    private final boolean quiet;

    QuietLogs(boolean verbose) {
        quiet = !verbose;
        if (quiet) Configurator.setAllLevels(LogManager.getRootLogger().getName(), Level.WARN);
    }

    @Override
    public void close() {
        if (quiet && LogManager.getContext(false) instanceof LoggerContext ctx) ctx.reconfigure();
    }
}
