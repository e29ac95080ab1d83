package io.execbroker.broker.session;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

import java.time.Duration;

/**
 * Closes a session's WebSocket with a close frame, and drops the TCP connection if the closing handshake has not
 * finished within a grace period. A peer that stopped reading never lets the close frame out of the broker's write
 * queue, and Vert.x then waits for it forever: its closing timeout only starts once the frame is written. Dropping
 * the connection needs the Netty context, so this one class reaches into Vert.x's internal API.
 */
final class ClosingHandshake {
    private ClosingHandshake() {
    }

    /**
     * Sends the close frame now, unless a close frame came from the peer (Vert.x has then answered it); closes the
     * connection after {@code grace} unless the peer did by then.
     */
    static void close(Vertx vertx, ServerWebSocket ws, int code, String reason, Duration grace) {
        if (!ws.isClosed()) {
            ws.close((short) code, reason);
        }
        if (ws instanceof WebSocketInternal internal && internal.channelHandlerContext().channel().isOpen()) {
            ChannelHandlerContext context = internal.channelHandlerContext();
            vertx.setTimer(grace.toMillis(), id -> {
                if (context.channel().isOpen()) {
                    // From the Vert.x handler's own context, the close goes to the socket past the handler that
                    // would wait for the close frame. If that frame was still queued, Vert.x then completes its
                    // close promise twice and Netty logs it (see the broker's simplelogger.properties).
                    context.close();
                }
            });
        }
    }
}
