package io.execbroker.broker.docker;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Splits Docker's multiplexed exec stream (tty off) into stdout and stderr, chunk by chunk, without gathering
 * whole frames: memory stays at the 8-byte header however large a frame is. Not thread safe: feed it from one
 * event loop.
 *
 * <pre>
 *  0        1  2  3  4                       8
 * +--------+--------+-----------------------+------------------+
 * | stream | 0 0 0  | size (uint32 BE)      | size bytes       |
 * +--------+--------+-----------------------+------------------+
 *   stream: 0 stdin, 1 stdout, 2 stderr, 3 Docker's own error text
 * </pre>
 */
public final class StreamDemuxer {
    /** Bytes in a frame header. */
    static final int HEADER_BYTES = 8;

    /** Where a chunk of payload came from. */
    public enum Stream { STDOUT, STDERR, SYSTEM_ERROR }

    /**
     * Receives payload chunks, in order. A chunk may be any part of a frame, never empty. Its first byte is a spare
     * one, free to overwrite, and the payload follows; the sink owns the chunk and releases it.
     */
    @FunctionalInterface
    interface Sink {
        void accept(Stream stream, ByteBuf chunk);
    }

    private enum State { HEADER, PAYLOAD }

    private final Sink sink;
    private final byte[] header = new byte[HEADER_BYTES];
    private State state = State.HEADER;
    private int headerFill;
    private Stream stream;
    private long remaining;

    StreamDemuxer(Sink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Consumes the readable bytes of {@code data}, handing each payload chunk to the sink as a slice of
     * {@code data} that starts one byte early: on the last byte of the frame header, or, where the chunk starts
     * the read, on the spare byte before {@code data}'s reader index. {@code data} stays the caller's.
     *
     * @throws IllegalStateException if a header names a stream Docker never sends (the stream is corrupt)
     * @throws IllegalArgumentException if {@code data} has no spare byte before its reader index
     */
    void feed(ByteBuf data) {
        if (data.readerIndex() == 0) {
            throw new IllegalArgumentException("a read needs a spare byte before its data");
        }
        int pos = data.readerIndex();
        int end = data.writerIndex();
        while (pos < end) {
            if (state == State.HEADER) {
                int n = Math.min(HEADER_BYTES - headerFill, end - pos);
                data.getBytes(pos, header, headerFill, n);
                headerFill += n;
                pos += n;
                if (headerFill == HEADER_BYTES) {
                    startFrame();
                }
            } else {
                int n = (int) Math.min(remaining, end - pos);
                sink.accept(stream, data.retainedSlice(pos - 1, n + 1));
                remaining -= n;
                pos += n;
                if (remaining == 0) {
                    state = State.HEADER;
                }
            }
        }
    }

    /** Returns true between frames: a stream that ends here ended cleanly. */
    boolean atFrameBoundary() {
        return state == State.HEADER && headerFill == 0;
    }

    private void startFrame() {
        headerFill = 0;
        stream = switch (header[0]) {
            case 1 -> Stream.STDOUT;
            case 2 -> Stream.STDERR;
            case 3 -> Stream.SYSTEM_ERROR;
            default -> throw new IllegalStateException("corrupt exec stream: frame header names stream " + header[0]
                + " (expected: 1, 2 or 3)");
        };
        remaining = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
            | (header[7] & 0xff);
        state = remaining == 0 ? State.HEADER : State.PAYLOAD;
    }
}
