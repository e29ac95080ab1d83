package io.execbroker.broker.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.ArrayList;
import java.util.List;

/**
 * The one drain signal of a session's WebSocket, shared by all that write to it: the process's output and the
 * session's own replies each wait for the write queue to drain. Each waiter registers once when it finds the queue
 * full, so at most one per writer waits. Not thread safe: the connection's event loop only.
 *
 * <p>Full means the connection's Netty write buffer is over its bound ({@code limits.outputQueueBytes}), not
 * Vert.x's {@code writeQueueFull()}: Vert.x 5 says full only once its own queue, which takes writes while Netty's
 * buffer is over the bound, also holds 16 messages. A writer that waits for that holds 16 more messages than the
 * bound, each up to a 64 KiB read of output: a MiB per session on top of its bound, measured in
 * PeerFaultsIT (21 full-size reads held for a 256 KiB bound; 4 and the read under way with this one).
 */
final class WriteDrain {
    private static final String NAME = "exec-broker-write-drain";

    private final Channel channel;
    private final List<Runnable> waiting = new ArrayList<>(2);

    WriteDrain(Channel channel) {
        this.channel = channel;
        channel.pipeline().addFirst(NAME, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    drained();
                }
                ctx.fireChannelWritabilityChanged();
            }
        });
    }

    /** Returns true while the write buffer is over its bound: writers should wait for {@link #once}. */
    boolean full() {
        return !channel.isWritable();
    }

    /** Runs {@code action} once, the next time the write buffer drains below half its bound. */
    void once(Runnable action) {
        waiting.add(action);
    }

    private void drained() {
        List<Runnable> run = List.copyOf(waiting);
        waiting.clear();
        run.forEach(Runnable::run);
    }
}
