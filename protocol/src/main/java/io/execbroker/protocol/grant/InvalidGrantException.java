package io.execbroker.protocol.grant;

/**
 * A grant that cannot be used: bad JSON, a missing field, a value of the wrong type or out of bounds. It names
 * the field, like {@code command[2]}, so a controller's author can fix it from the broker's log alone.
 */
public final class InvalidGrantException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidGrantException(String field, String problem) {
        super(field.isEmpty() ? problem : field + ": " + problem);
        this.field = field;
    }

    /** Returns the path of the bad field, like {@code limits.idleTimeoutSeconds}; empty for the whole document. */
    public String field() {
        return field;
    }
}
