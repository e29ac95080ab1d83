package io.execbroker.broker.session;

import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Closes a session's WebSocket with a close frame, and drops the TCP connection if the closing handshake has not
 * finished within a grace period. A peer that stopped reading never lets the close frame out of the broker's write
 * queue, and Vert.x then waits for it forever: its closing timeout only starts once the frame is written. The drop
 * is {@link LingeringClose}'s, which sits in the connection's Netty pipeline.
 */
final class ClosingHandshake {
    /** The most a close frame's reason may take, in UTF-8 (RFC 6455 §5.5: 125 bytes of payload, 2 for the code). */
    static final int MAX_REASON_BYTES = 123;
    /** After the process exits, a slow client gets this long to read the last output and answer the close. */
    static final Duration GRACE_AFTER_EXIT = Duration.ofSeconds(60);
    /** When the session is ended for it, a client that does not read gets this long to answer the close. */
    static final Duration GRACE_TEARDOWN = Duration.ofSeconds(5);

    private ClosingHandshake() {
    }

    /**
     * Sends the close frame now, unless a close frame came from the peer (Vert.x has then answered it); drops the
     * connection after {@code grace} unless the peer closed it by then.
     */
    static void close(Vertx vertx, ServerWebSocket ws, LingeringClose connection, int code, String reason,
                      Duration grace) {
        if (!ws.isClosed()) {
            ws.close((short) code, fit(reason));
        }
        if (connection.open()) {
            long timer = vertx.setTimer(grace.toMillis(), id -> {
                if (connection.open()) {
                    // Past the Vert.x handler, which would wait for the close frame to be written first. If that
                    // frame was still queued, Vert.x then completes its close promise twice and Netty logs it (see
                    // the broker's simplelogger.properties).
                    connection.drop();
                }
            });
            // A peer that finishes the close in time lets go of the timer, and of this session with it.
            connection.onClosed(() -> vertx.cancelTimer(timer));
        }
    }

    /**
     * Returns {@code reason} cut to {@value #MAX_REASON_BYTES} bytes of UTF-8, at a character boundary, ending
     * with "..." when cut. A longer reason makes a close frame every client must reject as a protocol error.
     */
    static String fit(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_REASON_BYTES) {
            return reason;
        }
        String ellipsis = "...";
        int budget = MAX_REASON_BYTES - ellipsis.length();
        int end = 0;
        int bytes = 0;
        while (end < reason.length()) {
            int cp = reason.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return reason.substring(0, end) + ellipsis;
    }
}
