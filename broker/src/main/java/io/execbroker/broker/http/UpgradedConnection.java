package io.execbroker.broker.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * The connection under an upgraded WebSocket. Before the upgrade, Vert.x's idle timeout
 * ({@code limits.handshakeIdleSeconds}) closes a connection that stalls in its request; once it is a session or a
 * watch, its own bounds apply (pings, {@code limits.idleTimeoutSeconds}), so the handshake's bound is taken off:
 * an idle terminal must not be cut at 60 s.
 */
final class UpgradedConnection {
    /** The name Vert.x 5 gives its {@code IdleStateHandler} in an HTTP server connection's pipeline. */
    private static final String IDLE_HANDLER = "idle";

    private UpgradedConnection() {
    }

    /** Returns the socket under {@code request} (vertx-web's wrappers do not show it; WebSockets are HTTP/1.1). */
    static Channel channel(HttpServerRequest request) {
        return ((HttpServerConnection) request.connection()).channelHandlerContext().channel();
    }

    /** Takes the handshake's idle bound off {@code channel}; on its event loop, once the upgrade is done. */
    static void endHandshakeBound(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(IDLE_HANDLER) != null) {
            pipeline.remove(IDLE_HANDLER);
        }
    }
}
