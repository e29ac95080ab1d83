package io.execbroker.protocol.client;

/**
 * A session that ended without an exit code: refused before the upgrade (with its HTTP status), or closed without
 * {@code stopped} (with its close code and the server's last {@code error} message).
 */
public final class ExecClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int closeCode;

    ExecClientException(int httpStatus, int closeCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
    }

    /** Returns the HTTP status of a refused handshake, like {@code 403}, or -1 if the upgrade succeeded. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Returns the WebSocket close code, like {@code 4000}, or -1 if there was none. */
    public int closeCode() {
        return closeCode;
    }
}
