package io.edgesight.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log event of this JVM down to DEBUG (the console keeps INFO), formatted by the console's own
 * layout (src/main/resources/log4j2.xml) with exception traces: the lines a user would see with debug logging on.
 */
public final class LogCapture implements AutoCloseable {
    public record Line(Level level, String logger, String text) {
        @Override
        public String toString() { return level + " " + logger + " " + text; }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final Level previousRoot;

    public LogCapture() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        Appender console = cfg.getAppender("out");
        org.apache.logging.log4j.core.Layout<?> layout = console.getLayout();
        appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                String text = layout.toSerializable(e).toString().stripTrailing();
                // the console line starts with time, level and logger: keep the message part for assertions
                int cut = text.length() > 42 ? 42 : 0;
                lines.add(new Line(e.getLevel(), e.getLoggerName(), text.substring(cut)));
            }
        };
        appender.start();
        cfg.addAppender(appender);
        LoggerConfig root = cfg.getRootLogger();
        previousRoot = root.getLevel();
        if (console != null) {
            root.removeAppender("out");
            root.addAppender(console, Level.INFO, null);
        }
        root.addAppender(appender, Level.DEBUG, null);
        root.setLevel(Level.DEBUG);
        ctx.updateLoggers();
    }

    public List<Line> lines() { return lines; }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        LoggerConfig root = cfg.getRootLogger();
        root.removeAppender("capture");
        root.setLevel(previousRoot);
        ctx.updateLoggers();
        appender.stop();
    }
}
