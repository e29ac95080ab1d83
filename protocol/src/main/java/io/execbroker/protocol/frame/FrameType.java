package io.execbroker.protocol.frame;

/**
 * The type of a v1 frame: byte 0 of every binary WebSocket message. The codes are those of
 * docker-exec-websocket-server 3.x, so its clients work unmodified.
 *
 * <pre>
 *   0               1
 *  +---------------+-------------------------------+
 *  | type (uint8)  | payload (rest of the message) |
 *  +---------------+-------------------------------+
 * </pre>
 */
public enum FrameType {
    /** Client to server: bytes for the process's stdin. */
    STDIN(0, Direction.CLIENT_TO_SERVER),
    /** Server to client: bytes the process wrote to stdout (all output when tty is on). */
    STDOUT(1, Direction.SERVER_TO_CLIENT),
    /** Server to client: bytes the process wrote to stderr (never sent for tty sessions). */
    STDERR(2, Direction.SERVER_TO_CLIENT),
    /** Client to server: new terminal size, uint16 LE rows then uint16 LE cols. */
    RESIZE(50, Direction.CLIENT_TO_SERVER),
    /** Both ways, no payload: "send again". The server's first one means "started, send stdin". */
    RESUME(100, Direction.BOTH),
    /** Both ways, no payload: "stop sending until resume". */
    PAUSE(101, Direction.BOTH),
    /** Client to server, no payload: stdin EOF (half-close); output keeps flowing. */
    END(102, Direction.CLIENT_TO_SERVER),
    /** Server to client: the process exited; one byte, its exit code, unsigned 0-255. */
    STOPPED(200, Direction.SERVER_TO_CLIENT),
    /** Server to client, no payload: the broker is stopping. */
    SHUTDOWN(201, Direction.SERVER_TO_CLIENT),
    /** Server to client: UTF-8 text that says what went wrong. */
    ERROR(202, Direction.SERVER_TO_CLIENT);

    /** Who may send a frame type. */
    public enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT, BOTH }

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final Direction direction;

    FrameType(int code, Direction direction) {
        this.code = code;
        this.direction = direction;
    }

    /** Returns the wire code, like {@code 1} for {@link #STDOUT}: 0-255. */
    public int code() {
        return code;
    }

    /** Returns the wire code as the byte that starts a message. */
    public byte codeByte() {
        return (byte) code;
    }

    public Direction direction() {
        return direction;
    }

    /** Returns true for the byte streams (stdin, stdout, stderr), whose payload is any bytes. */
    public boolean isData() {
        return code < RESIZE.code;
    }

    /** Returns true for everything but the byte streams. */
    public boolean isControl() {
        return !isData();
    }

    /** Returns true if a client may send this type. */
    public boolean fromClient() {
        return direction != Direction.SERVER_TO_CLIENT;
    }

    /** Returns true if a server may send this type. */
    public boolean fromServer() {
        return direction != Direction.CLIENT_TO_SERVER;
    }

    /**
     * Returns the type with this wire code.
     *
     * @throws IllegalArgumentException if {@code code} is not a v1 code, like {@code "unknown frame type: 7"}
     */
    public static FrameType fromCode(int code) {
        FrameType type = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            throw new IllegalArgumentException("unknown frame type: " + code);
        }
        return type;
    }
}
