package io.execbroker.broker.docker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;
import io.vertx.core.internal.net.NetSocketInternal;

/**
 * Where the exec stream's reads land: direct buffers with one spare byte in front of the data. The spare byte
 * lets every output chunk become a protocol message (its type byte, then the payload) where it lies: the first
 * chunk of a read takes the spare byte, every later one the last byte of Docker's frame header before it. The
 * output then goes from the Docker socket to the WebSocket with no copy in Java.
 *
 * <p>The buffers are not pooled, because Vert.x copies every pooled buffer it meets into the heap (a guard for
 * the buffers it hands to users; {@code VertxHandler.safeBuffer}), on the way in and again on a WebSocket write.
 * Each is freed when released, and by the garbage collector's cleaner on a path that drops one unreleased.
 * Like {@link HalfClose}, this one class reaches into Netty, as Vert.x has no public call for it.
 */
final class ReadBuffers {
    /** Unpooled direct buffers; no leak detector, as the cleaner frees what a closing socket drops. */
    private static final UnpooledByteBufAllocator UNPOOLED = new UnpooledByteBufAllocator(true, true);

    private ReadBuffers() {
    }

    /**
     * Makes {@code socket} read into buffers with a spare byte. Call it before the socket's first read: Netty
     * keeps the sizing of the first read for the channel's life. Reads that arrive without a spare byte anyway
     * (TLS decrypts into buffers of its own) get one from {@link #withSpareByte}, at the cost of a copy.
     */
    static void useFor(NetSocketInternal socket) {
        Channel channel = socket.channelHandlerContext().channel();
        RecvByteBufAllocator sizing = channel.config().getRecvByteBufAllocator();
        channel.config().setRecvByteBufAllocator(new RecvByteBufAllocator() {
            @Override
            public Handle newHandle() {
                return new DelegatingHandle(sizing.newHandle()) {
                    @Override
                    public ByteBuf allocate(ByteBufAllocator ignored) {
                        return UNPOOLED.directBuffer(guess() + 1).writerIndex(1).readerIndex(1);
                    }
                };
            }
        });
    }

    /** Returns the direct memory of the buffers handed out and not yet released. */
    static long bytesHeld() {
        return UNPOOLED.metric().usedDirectMemory();
    }

    /** Returns {@code data} if a byte before its reader index is free to overwrite, else a copy that has one. */
    static ByteBuf withSpareByte(ByteBuf data) {
        if (data.readerIndex() > 0) {
            return data;
        }
        try {
            ByteBuf copy = UNPOOLED.directBuffer(data.readableBytes() + 1).writeByte(0);
            copy.writeBytes(data, data.readerIndex(), data.readableBytes());
            return copy.readerIndex(1);
        } finally {
            data.release();
        }
    }
}
