package io.execbroker.broker.docker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The direct memory the exec stream reads into. Buffers of {@link #RECYCLED_BYTES} (a full-size read, which is
 * what bulk output makes) keep their memory when released, for the next read to reuse; up to {@value #MAX_FREE}
 * wait for it, and any more are freed. Allocating and freeing a direct buffer per read (zeroing it, registering
 * and running its cleaner) was about a tenth of the broker's CPU at full speed. Other sizes are allocated and
 * freed as they come.
 *
 * <p>Not a Netty pooled allocator: Vert.x copies every buffer from one into the heap ({@code
 * VertxHandler.safeBuffer}); these are unpooled buffers to it. A buffer dropped unreleased is still freed by
 * the garbage collector's cleaner, as its memory is an ordinary direct {@link ByteBuffer}. Thread safe.
 */
final class ReadMemory {
    /** Netty reads at most 64 KiB at once; with the spare byte in front, a full-size read buffer. */
    static final int RECYCLED_BYTES = 64 * 1024 + 1;
    /** Free buffers kept for reuse: 2 MiB at most, which full-speed output cycles through. */
    static final int MAX_FREE = 32;

    /** Unpooled direct buffers; no leak detector, as the cleaner frees what a closing socket drops. */
    private static final UnpooledByteBufAllocator UNPOOLED = new UnpooledByteBufAllocator(true, true);
    private static final ArrayBlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(MAX_FREE);
    private static final LongAdder RECYCLED_HELD = new LongAdder();

    private ReadMemory() {
    }

    /** Returns an empty direct buffer of {@code capacity} bytes, its memory reused when it has that size. */
    static ByteBuf directBuffer(int capacity) {
        if (capacity != RECYCLED_BYTES) {
            return UNPOOLED.directBuffer(capacity);
        }
        ByteBuffer memory = FREE.poll();
        return new Recycled(memory != null ? memory.clear() : ByteBuffer.allocateDirect(RECYCLED_BYTES));
    }

    /** Returns the direct memory of the buffers handed out and not yet released (free ones not counted). */
    static long bytesHeld() {
        return UNPOOLED.metric().usedDirectMemory() + RECYCLED_HELD.sum();
    }

    /** Returns how many released buffers wait to be reused. */
    static int freeBuffers() {
        return FREE.size();
    }

    /** A buffer over memory it does not free itself: released, the memory goes back to the free list. */
    private static final class Recycled extends UnpooledDirectByteBuf {
        private ByteBuffer memory;

        Recycled(ByteBuffer memory) {
            super(UNPOOLED, memory, RECYCLED_BYTES);
            this.memory = memory;
            // the wrapping constructor starts full, as for data it was handed; this is an empty buffer to read into
            clear();
            RECYCLED_HELD.add(RECYCLED_BYTES);
        }

        @Override
        protected void deallocate() {
            super.deallocate();
            ByteBuffer released = memory;
            memory = null;
            RECYCLED_HELD.add(-RECYCLED_BYTES);
            if (!FREE.offer(released)) {
                PlatformDependent.freeDirectBuffer(released);
            }
        }
    }
}
