package io.execbroker.broker.docker;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Ends the write side of a socket and keeps the read side open (TCP or unix-socket half-close): how stdin EOF
 * reaches a docker exec while its output keeps flowing. Vert.x has no public call for it, so this one class
 * reaches into Netty; docker-java instead closes the whole socket and loses the output written after EOF.
 */
final class HalfClose {
    private HalfClose() {
    }

    /** Flushes what was written to {@code socket}, then shuts its output down. Returns immediately. */
    static Future<Void> shutdownOutput(NetSocket socket) {
        Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
        if (!(channel instanceof DuplexChannel duplex)) {
            return Future.failedFuture(new IllegalStateException(
                "cannot end stdin: " + channel.getClass().getSimpleName() + " cannot half-close"));
        }
        // Writes are ordered: once this empty write completes, everything before it is on the wire.
        return socket.write(io.vertx.core.buffer.Buffer.buffer()).compose(v -> {
            Promise<Void> done = Promise.promise();
            duplex.shutdownOutput().addListener(f -> {
                if (f.isSuccess()) {
                    done.complete();
                } else {
                    done.fail(f.cause());
                }
            });
            return done.future();
        });
    }
}
