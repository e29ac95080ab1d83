package io.execbroker.broker.docker;

import io.netty.channel.Channel;

import java.util.concurrent.TimeUnit;

/**
 * Lets bulk output gather in the Docker socket for a moment between reads. dockerd passes a process's output on
 * in the pieces the process wrote (4 KiB for {@code head}, up to 32 KiB), and reading each piece as it lands
 * wakes the event loop once per piece: on a virtual machine that wake-up, not the copy, is most of what a byte
 * costs. So once a burst of reads that drained the socket held {@value #BULK_BYTES} bytes or more, reading pauses
 * and the next wake-up finds many pieces. Small output (a terminal's echo, a prompt) is read as it comes; what
 * follows bulk output within a wait is delayed by at most the wait.
 *
 * <p>The wait aims at bursts of {@value #TARGET_BURST_BYTES} bytes, well inside the about 200 KiB a unix socket
 * holds here, so that dockerd never has to stop writing: {@value #MIN_WAIT_MICROS} µs at first; after a wait
 * whose burst fell short, longer in proportion, up to {@value #MAX_WAIT_MICROS} µs; after a burst that nearly
 * filled the socket ({@value #NEAR_FULL_BYTES} bytes or more), the shortest again. Full-speed output without a
 * tty (130 MiB/s here) fills 170 KiB in the shortest wait and keeps it; tty output (30 MiB/s) settles near 4 ms.
 *
 * <p>Measured here in one JVM, alternating runs: against a wait only after 64 KiB bursts and none for 100 ms
 * after a near-full one (which at full speed is nearly always), the 1 ms wait halved the CPU per GiB for the
 * broker and the direct client alike, tty off and on, throughput the same; against the fixed 1 ms, the longer
 * waits for tty output halved it again for tty sessions. Not thread safe: the event loop only.
 *
 * <p>Like {@link ReadBuffers}, this reaches into Netty (the channel's auto-read), as Vert.x has no call for it.
 */
final class ReadCoalescing {
    /** A drained burst this large is bulk output: wait before the next read. */
    static final int BULK_BYTES = 4 * 1024;
    /** What a wait should gather. */
    static final int TARGET_BURST_BYTES = 128 * 1024;
    /** A burst this large nearly filled the socket: Docker may have had to stop writing. */
    static final int NEAR_FULL_BYTES = 160 * 1024;
    /** The shortest wait; Netty's NIO event loop sleeps in whole milliseconds anyway. */
    static final long MIN_WAIT_MICROS = 1000;
    /** The longest wait: output after bulk output is never held longer. */
    static final long MAX_WAIT_MICROS = 4000;

    private final Channel channel;
    private long burst;
    private boolean waiting;
    private boolean held;
    /** The last wait, and whether the burst now being read gathered during it. */
    private long waitMicros = MIN_WAIT_MICROS;
    private boolean afterWait;

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
        boolean gathered = afterWait;
        afterWait = false;
        if (drained >= BULK_BYTES && !waiting && channel.config().isAutoRead()) {
            waitMicros = gathered && drained < NEAR_FULL_BYTES
                ? Math.max(MIN_WAIT_MICROS, Math.min(MAX_WAIT_MICROS, waitMicros * TARGET_BURST_BYTES / drained))
                : MIN_WAIT_MICROS;
            waiting = true;
            channel.config().setAutoRead(false);
            channel.eventLoop().schedule(this::endWait, waitMicros, TimeUnit.MICROSECONDS);
        }
    }

    /**
     * Stops the channel's reads now ({@code true}), or lets them go on ({@code false}): the stream's pause. Vert.x's
     * own pause only stops delivery; its queue goes on taking reads, up to 16 of them (a MiB of bulk output, on
     * top of the output queue the pause is for) before it switches auto-read off itself. A wait that ends while
     * the reads are held leaves them held.
     */
    void hold(boolean hold) {
        held = hold;
        if (!waiting) {
            channel.config().setAutoRead(!hold);
        }
    }

    /** Returns the wait that the last bulk burst started, in µs. */
    long waitMicros() {
        return waitMicros;
    }

    private void endWait() {
        waiting = false;
        afterWait = true;
        if (!held) {
            channel.config().setAutoRead(true);
        }
    }
}
