package io.execbroker.protocol.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * One output stream of a session (stdout or stderr) as an {@link InputStream}, bounded: once {@code highWater}
 * bytes wait unread, {@link #offer} says so and the client stops taking messages from the socket until the
 * reader catches up. Thread safe: the socket's thread writes, the caller's thread reads.
 */
final class OutputPipe extends InputStream {
    private final int highWater;
    private final Runnable onDrained;
    /** A received message and where its payload starts in it (after the type byte): no copy to cut it out. */
    private record Chunk(byte[] bytes, int from) { }

    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private long queued;
    private boolean closed;
    private boolean full;

    OutputPipe(int highWater, Runnable onDrained) {
        this.highWater = highWater;
        this.onDrained = onDrained;
    }

    /**
     * Adds {@code bytes} from index {@code from} on (the array is kept, not copied); returns false when the pipe
     * is now full: take no more until {@code onDrained} runs.
     */
    synchronized boolean offer(byte[] bytes, int from) {
        if (bytes.length > from) {
            chunks.add(new Chunk(bytes, from));
            queued += bytes.length - from;
            notifyAll();
        }
        full = queued >= highWater;
        return !full;
    }

    /** Marks the end of the stream: reads return -1 once the queued bytes are read. */
    synchronized void finish() {
        closed = true;
        notifyAll();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        boolean drained;
        int n;
        synchronized (this) {
            while (current == null && chunks.isEmpty() && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (current == null) {
                Chunk next = chunks.poll();
                if (next == null) {
                    return -1;
                }
                current = next.bytes();
                position = next.from();
            }
            n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            queued -= n;
            if (position == current.length) {
                current = null;
            }
            drained = full && queued < highWater / 2;
            if (drained) {
                full = false;
            }
        }
        if (drained) {
            onDrained.run();
        }
        return n;
    }

    @Override
    public synchronized int available() {
        return (int) Math.min(Integer.MAX_VALUE, queued);
    }
}
