package io.execbroker.broker.auth;

/**
 * A handshake refused before the upgrade. It carries the HTTP status to answer with and a message for the
 * client, which must never hold a token or a stack trace.
 */
public final class AuthorizationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public AuthorizationException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 400-599)");
        }
        this.status = status;
    }

    /** Returns the HTTP status, like {@code 403}. */
    public int status() {
        return status;
    }
}
