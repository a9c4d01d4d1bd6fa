package io.edgesight.config;

/**
 * A problem the user can fix (bad config, missing model, unreadable video). Its message is printed as one
 * line, without a stack trace, and the process exits non-zero when it happens at start-up.
 */
public class UserError extends RuntimeException {
    public UserError(String message) { super(message, null, false, false); }
    public UserError(String message, Throwable cause) { super(message, cause, false, false); }

    /** The first UserError in a cause chain, or null. */
    public static UserError find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UserError u) return u;
            if (c.getCause() == c) break;
        }
        return null;
    }
}
