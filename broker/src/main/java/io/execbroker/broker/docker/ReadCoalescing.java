package io.execbroker.broker.docker;

import io.netty.channel.Channel;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets bulk output gather in the Docker socket for a moment between reads. dockerd passes a process's output on
 * in the pieces the process wrote (4 KiB for {@code head}, up to 32 KiB), and reading each piece as it lands
 * wakes the event loop once per piece: on a virtual machine that wake-up, not the copy, is most of what a byte
 * costs. So when a burst of reads that drained the socket was bulk ({@value #BULK_BYTES} bytes or more), reading
 * pauses for {@value #WAIT_MICROS} µs and the next wake-up finds several pieces. Small output (a terminal's echo,
 * a prompt) never waits. A burst that filled most of the socket's buffer ({@value #NEAR_FULL_BYTES} bytes or
 * more) came faster than a wait can hold, and Docker may have had to stop writing: no wait then for the next
 * {@value #BACK_OFF_MILLIS} ms. Measured here (A/B, 256 MiB streams): the broker's CPU per GiB 15-35% lower,
 * throughput within the noise. Not thread safe: the event loop only.
 *
 * <p>Like {@link ReadBuffers}, this reaches into Netty (the channel's auto-read), as Vert.x has no call for it.
 */
final class ReadCoalescing {
    /** A drained burst this large is bulk output: wait before the next read. */
    static final int BULK_BYTES = 64 * 1024;
    /** A burst this large came from a nearly full socket (about 200 KiB on a unix socket here). */
    static final int NEAR_FULL_BYTES = 160 * 1024;
    static final long BACK_OFF_MILLIS = 100;
    /** The wait; Netty's NIO event loop sleeps in whole milliseconds anyway. */
    static final long WAIT_MICROS = 1000;

    private final Channel channel;
    private final LongSupplier nanoTime;
    private long burst;
    private long noWaitUntil;
    private boolean waiting;

    ReadCoalescing(Channel channel, LongSupplier nanoTime) {
        this.channel = channel;
        this.nanoTime = nanoTime;
        this.noWaitUntil = nanoTime.getAsLong();
    }

    /**
     * Called with each read: {@code bytes} read, and whether the read filled its buffer (more is waiting in the
     * socket, and Netty reads again at once).
     *
     * <p>Vert.x switches the channel's auto-read off itself while a paused socket's queue is full, and back on
     * once it is empty. A wait starts only while auto-read is on, so while Vert.x's flow control is not holding
     * the channel; and during the wait nothing is read, so Vert.x cannot have switched it off when the wait
     * switches it back on.
     */
    void onRead(int bytes, boolean filledBuffer) {
        burst += bytes;
        if (filledBuffer) {
            return;
        }
        long drained = burst;
        burst = 0;
        long now = nanoTime.getAsLong();
        if (drained >= NEAR_FULL_BYTES) {
            noWaitUntil = now + TimeUnit.MILLISECONDS.toNanos(BACK_OFF_MILLIS);
            return;
        }
        if (drained >= BULK_BYTES && now - noWaitUntil >= 0 && !waiting && channel.config().isAutoRead()) {
            waiting = true;
            channel.config().setAutoRead(false);
            channel.eventLoop().schedule(this::endWait, WAIT_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    private void endWait() {
        waiting = false;
        channel.config().setAutoRead(true);
    }
}
