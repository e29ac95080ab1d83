package io.execbroker.protocol.codec;

import io.execbroker.protocol.frame.CloseCodes;

/**
 * A message that breaks the v1 protocol. It carries the outcome: the WebSocket close code to use, and whether
 * the session must end ({@link #fatal()}, a message over the size limit) or may answer with an {@code error} frame
 * and go on, as v1 asks for every bad message inside the limit (empty, unknown type, wrong payload size).
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int closeCode;
    private final boolean fatal;

    private ProtocolException(int closeCode, boolean fatal, String message) {
        super(message, null, false, false);
        this.closeCode = closeCode;
        this.fatal = fatal;
    }

    /** Returns an exception that ends the session with {@code closeCode}. */
    public static ProtocolException fatal(int closeCode, String message) {
        return new ProtocolException(closeCode, true, message);
    }

    /** Returns an exception the session answers with an {@code error} frame, and goes on. */
    public static ProtocolException recoverable(String message) {
        return new ProtocolException(CloseCodes.PROTOCOL_ERROR, false, message);
    }

    /** Returns the close code to send when {@link #fatal()}, like {@code 1009} for a message too big. */
    public int closeCode() {
        return closeCode;
    }

    /** Returns true when the session must close; false when an {@code error} frame is the whole answer. */
    public boolean fatal() {
        return fatal;
    }
}
