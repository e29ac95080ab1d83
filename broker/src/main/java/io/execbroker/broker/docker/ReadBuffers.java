package io.execbroker.broker.docker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import io.vertx.core.internal.net.NetSocketInternal;

/**
 * Where the exec stream's reads land: direct buffers with one spare byte in front of the data. The spare byte
 * lets every output chunk become a protocol message (its type byte, then the payload) where it lies: the first
 * chunk of a read takes the spare byte, every later one the last byte of Docker's frame header before it. The
 * output then goes from the Docker socket to the WebSocket with no copy in Java.
 *
 * <p>The memory comes from {@link ReadMemory}, not from a Netty pool, because Vert.x copies every pooled buffer
 * it meets into the heap (a guard for the buffers it hands to users; {@code VertxHandler.safeBuffer}), on the
 * way in and again on a WebSocket write. Like {@link HalfClose}, this one class reaches into Netty's channel, as
 * Vert.x has no public call for it.
 */
final class ReadBuffers {
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
                return new SpareByteHandle((ExtendedHandle) sizing.newHandle());
            }
        });
    }

    /** Returns {@code data} if a byte before its reader index is free to overwrite, else a copy that has one. */
    static ByteBuf withSpareByte(ByteBuf data) {
        if (data.readerIndex() > 0) {
            return data;
        }
        try {
            ByteBuf copy = ReadMemory.directBuffer(data.readableBytes() + 1).writeByte(0);
            copy.writeBytes(data, data.readerIndex(), data.readableBytes());
            return copy.readerIndex(1);
        } finally {
            data.release();
        }
    }

    /**
     * Netty's own read sizing and loop control, with reads landing in {@link ReadMemory} buffers that have the spare
     * byte. An {@link RecvByteBufAllocator.ExtendedHandle}, as the native transports require.
     */
    private static final class SpareByteHandle implements RecvByteBufAllocator.ExtendedHandle {
        private final RecvByteBufAllocator.ExtendedHandle sizing;

        SpareByteHandle(RecvByteBufAllocator.ExtendedHandle sizing) {
            this.sizing = sizing;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator ignored) {
            return ReadMemory.directBuffer(sizing.guess() + 1).writerIndex(1).readerIndex(1);
        }

        @Override
        public int guess() {
            return sizing.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            sizing.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            sizing.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            sizing.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return sizing.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            sizing.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return sizing.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return sizing.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return sizing.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            sizing.readComplete();
        }
    }
}
