package io.execbroker.broker.docker;

import io.netty.channel.Channel;

import java.util.concurrent.TimeUnit;

/**
 * Lets bulk output gather in the Docker socket for a moment between reads. dockerd passes a process's output on
 * in the pieces the process wrote (4 KiB for {@code head}, up to 32 KiB), and reading each piece as it lands
 * wakes the event loop once per piece: on a virtual machine that wake-up, not the copy, is most of what a byte
 * costs. So once a burst of reads that drained the socket held {@value #BULK_BYTES} bytes or more, reading pauses
 * for {@value #WAIT_MICROS} µs and the next wake-up finds many pieces (about 170 KiB in three reads at full speed
 * here, where it found one 4-16 KiB piece). Small output (a terminal's echo, a prompt) is read as it comes; what
 * follows bulk output within the wait is delayed by at most the wait.
 *
 * <p>Measured here in one JVM, alternating with the earlier rule (wait only after 64 KiB bursts, and not for
 * 100 ms after a burst that nearly filled the socket, which at full speed is nearly always): CPU per GiB halved
 * for the broker and the direct client alike, with tty off and on, throughput the same. dockerd never had to
 * stop writing for it: the socket holds about 200 KiB, more than dockerd writes in a wait. Not thread safe: the
 * event loop only.
 *
 * <p>Like {@link ReadBuffers}, this reaches into Netty (the channel's auto-read), as Vert.x has no call for it.
 */
final class ReadCoalescing {
    /** A drained burst this large is bulk output: wait before the next read. */
    static final int BULK_BYTES = 4 * 1024;
    /** The wait; Netty's NIO event loop sleeps in whole milliseconds anyway. */
    static final long WAIT_MICROS = 1000;

    private final Channel channel;
    private long burst;
    private boolean waiting;

    ReadCoalescing(Channel channel) {
        this.channel = channel;
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
        if (drained >= BULK_BYTES && !waiting && channel.config().isAutoRead()) {
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
