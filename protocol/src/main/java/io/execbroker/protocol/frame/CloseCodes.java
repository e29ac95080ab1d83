package io.execbroker.protocol.frame;

/** WebSocket close codes the broker uses (RFC 6455 §7.4 and the 4000-4999 private range). */
public final class CloseCodes {
    /** The process exited and {@code stopped} was sent: the normal end. */
    public static final int NORMAL = 1000;
    /** The broker is stopping ({@code shutdown} was sent). */
    public static final int GOING_AWAY = 1001;
    /** A message broke the v1 protocol (empty, or a control frame with a bad payload). */
    public static final int PROTOCOL_ERROR = 1002;
    /** A text message, where v1 has only binary ones. */
    public static final int UNSUPPORTED_DATA = 1003;
    /** A message larger than the broker's limit. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The broker failed, or the exit code could not be known. */
    public static final int INTERNAL_ERROR = 1011;
    /** No traffic either way for longer than the idle timeout. */
    public static final int IDLE_TIMEOUT = 4000;
    /** The session reached its maximum duration. */
    public static final int MAX_DURATION = 4001;
    /** An operator ended the session. */
    public static final int ENDED_BY_OPERATOR = 4002;
    /**
     * An events watcher did not read fast enough: its queue filled. The reason names the last {@code timeNano} it
     * was sent, so it can reconnect with {@code since=} that value and miss nothing Docker still holds.
     */
    public static final int WATCHER_TOO_SLOW = 4003;

    private CloseCodes() {
    }
}
