package io.execbroker.protocol.frame;

/** Fixed payload sizes of the v1 control frames, and the default bound on a message. */
public final class ProtocolLimits {
    /** Bytes before the payload: the type. */
    public static final int HEADER_BYTES = 1;
    /** Payload of {@code resize}: uint16 LE rows, then uint16 LE cols. */
    public static final int RESIZE_PAYLOAD_BYTES = 4;
    /** Payload of {@code stopped}: the exit code as one unsigned byte. */
    public static final int STOPPED_PAYLOAD_BYTES = 1;
    /**
     * Default largest message, type byte included (1 MiB). It bounds what one peer can make the other
     * hold at once (DoS protection); a paste of a few hundred KiB still fits in one stdin frame.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

    private ProtocolLimits() {
    }
}
