package io.execbroker.broker.docker;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Splits Docker's multiplexed exec stream (tty off) into stdout and stderr, read by read, without gathering
 * whole frames: memory stays at the 8-byte header however large a frame is. dockerd frames a process's output in
 * the pieces the process wrote (4 KiB for {@code head}), so a read often holds many frames of one stream: they
 * leave as one chunk, and the client gets one message where it would get a dozen. Not thread safe: feed it from
 * one event loop.
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
     * Receives payload chunks, in order: a chunk is the payload of one stream from one read (parts of one frame or
     * of several), never empty. Its first byte is a spare one, free to overwrite, and the payload follows; the sink
     * owns the chunk and releases it.
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
     * Consumes the readable bytes of {@code data}, handing the payload to the sink as slices of {@code data}: one
     * slice per run of the same stream within this read, so that a read of many small frames makes one chunk, not
     * one per frame. The frame headers inside a run are closed up in place (the later payload moves over them),
     * and each slice starts one byte early: on the last byte of the frame header before it, or, where the run
     * starts the read, on the spare byte before {@code data}'s reader index. {@code data} stays the caller's.
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
        Stream runStream = null;
        int runStart = 0;
        int runEnd = 0;
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
                if (stream == runStream) {
                    data.setBytes(runEnd, data, pos, n); // leftwards over the header: overlap is safe
                } else {
                    emit(data, runStream, runStart, runEnd);
                    runStream = stream;
                    runStart = pos;
                    runEnd = pos;
                }
                runEnd += n;
                remaining -= n;
                pos += n;
                if (remaining == 0) {
                    state = State.HEADER;
                }
            }
        }
        emit(data, runStream, runStart, runEnd);
    }

    private void emit(ByteBuf data, Stream runStream, int start, int end) {
        if (runStream != null) {
            sink.accept(runStream, data.retainedSlice(start - 1, end - start + 1));
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
