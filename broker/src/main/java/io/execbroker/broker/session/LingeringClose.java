package io.execbroker.broker.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The end of a session's TCP connection, first in its Netty pipeline (with TLS right behind the {@code SslHandler},
 * so that it sees the WebSocket bytes, not TLS records, and its writes are encrypted). It does two things Vert.x
 * does not offer:
 *
 * <p><b>Drop</b> the connection now ({@link #drop}), past Vert.x's own close, which waits for the close frame to
 * be written and so waits forever for a peer that stopped reading. (vertx-web wraps the WebSocket it hands out,
 * and the wrapper shows no channel: the handshake handler finds it on the HTTP connection.)
 *
 * <p><b>Linger</b>, the way HTTP servers close a connection whose client may still be sending: the client gets
 * the close frame and then a FIN, never a TCP reset. A socket closed with unread bytes in its receive buffer
 * makes the kernel answer with a reset, and a client still writing (a message over the limit, in the middle)
 * then loses the close frame that was on its way and reports 1006, abnormal closure. Once {@link #arm() armed},
 * a close of the channel instead lets the writes before it (the close frame) go out, shuts down the output (FIN),
 * and reads and drops whatever the client still sends, until the client closes (the connection ends cleanly),
 * or {@value #MAX_DISCARD_BYTES} bytes or {@link #MAX_LINGER} have passed (then it is dropped). Being first in
 * the pipeline (after TLS), it drops those bytes before the WebSocket decoder sees them. With TLS the output is shut
 * down without TLS's close_notify: the WebSocket close frame before it already says the session ended, as an HTTP
 * server's lingering close does. Unarmed, a close is a close.
 *
 * <p>Runs on the channel's event loop; {@link #arm} and {@link #drop} may be called from any thread.
 */
final class LingeringClose extends ChannelDuplexHandler {
    /** Most bytes dropped after the close frame before the connection is dropped: a client may not keep us busy. */
    static final long MAX_DISCARD_BYTES = 16L << 20;
    /** Longest time after the close frame before the connection is dropped. */
    static final Duration MAX_LINGER = Duration.ofSeconds(5);

    private static final String NAME = "exec-broker-lingering-close";

    private final Channel channel;
    private volatile boolean armed;
    private ChannelHandlerContext context;
    private boolean lingering;
    private long discarded;
    private ScheduledFuture<?> deadline;

    private LingeringClose(Channel channel) {
        this.channel = channel;
    }

    /**
     * Puts an unarmed lingering close first in {@code channel}'s pipeline, behind its {@code SslHandler} if it has
     * one, and returns it.
     */
    static LingeringClose install(Channel channel) {
        LingeringClose handler = new LingeringClose(channel);
        ChannelHandlerContext tls = channel.pipeline().context(SslHandler.class);
        if (tls != null) {
            channel.pipeline().addAfter(tls.name(), NAME, handler);
        } else {
            channel.pipeline().addFirst(NAME, handler);
        }
        return handler;
    }

    /** Makes the next close of the connection linger. Returns immediately. */
    void arm() {
        armed = true;
    }

    /** Returns true until the connection is closed. */
    boolean open() {
        return channel.isOpen();
    }

    /** Runs {@code action} once the connection is closed. */
    void onClosed(Runnable action) {
        channel.closeFuture().addListener(f -> action.run());
    }

    /**
     * Closes the connection now, past Vert.x; if armed, it lingers as any close does (a client that was sending a
     * message over the limit may still be at it when the grace for its close frame runs out). Returns immediately.
     */
    void drop() {
        channel.eventLoop().execute(() -> close(context, context.newPromise()));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!armed || !(ctx.channel() instanceof DuplexChannel duplex) || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
        if (lingering) {
            return; // the linger's own bounds end it
        }
        lingering = true;
        deadline = ctx.executor().schedule(() -> ctx.close(), MAX_LINGER.toMillis(), TimeUnit.MILLISECONDS);
        ctx.channel().config().setAutoRead(true);
        // The empty write completes once everything queued before it, the close frame included, is out.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (written.isSuccess()) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!lingering) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            discarded += bytes.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (discarded > MAX_DISCARD_BYTES) {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!lingering) {
            ctx.fireChannelReadComplete();
        } else if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }
}
