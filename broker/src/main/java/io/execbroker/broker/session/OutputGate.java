package io.execbroker.broker.session;

import io.execbroker.broker.docker.ExecStream;
import io.execbroker.broker.docker.StreamDemuxer;
import io.execbroker.protocol.frame.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves the process's output to the client, and reads from Docker only while the client can take it: not while
 * the client asked for {@code pause}, not while the WebSocket's write queue is full. Memory per session is
 * bounded by the write queue plus one read.
 *
 * <p>Until the process is known to have started, output is held (bounded): when a command cannot start, Docker
 * writes its own error text on the stream, and that must reach the client as an {@code error}, not as stdout.
 *
 * <p>Each chunk comes with a spare byte in front (see {@link ExecStream.OutputHandler}): the gate writes the
 * message type there and sends the chunk as it is, no copy, releasing it once the write completes.
 * Not thread safe.
 */
final class OutputGate {
    /** Most output held while the start is being confirmed; past it Docker is not read. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    /** A held chunk: a heap copy, so that no direct buffer waits on the start being confirmed. */
    private record Chunk(FrameType type, ByteBuf data) { }

    private final ServerWebSocket ws;
    private final WriteDrain drain;
    private final Runnable confirmStart;
    private final Runnable onTraffic;
    private final List<Chunk> held = new ArrayList<>();
    private ExecStream stream;
    private int heldBytes;
    private boolean confirmed;
    private boolean confirming;
    private boolean clientPaused;
    private boolean wsFull;
    private boolean reading = true;
    private long bytesOut;

    OutputGate(ServerWebSocket ws, WriteDrain drain, int outputQueueBytes, Runnable confirmStart,
               Runnable onTraffic) {
        this.ws = ws;
        this.drain = drain;
        this.confirmStart = confirmStart;
        this.onTraffic = onTraffic;
        ws.setWriteQueueMaxSize(outputQueueBytes);
    }

    void attach(ExecStream execStream) {
        this.stream = execStream;
        update();
    }

    /** Takes one chunk of output from the stream, and with it the duty to release it. */
    void accept(StreamDemuxer.Stream from, ByteBuf chunk) {
        onTraffic.run();
        FrameType type = switch (from) {
            case STDOUT -> FrameType.STDOUT;
            case STDERR -> FrameType.STDERR;
            case SYSTEM_ERROR -> FrameType.ERROR;
        };
        if (confirmed) {
            send(type, chunk);
            return;
        }
        heldBytes += payloadBytes(chunk);
        held.add(new Chunk(type, Unpooled.copiedBuffer(chunk)));
        chunk.release();
        if (!confirming) {
            confirming = true;
            confirmStart.run();
        }
        update();
    }

    /** The process started: send what was held and stream from now on. */
    void confirm() {
        if (confirmed) {
            return;
        }
        confirmed = true;
        held.forEach(chunk -> send(chunk.type(), chunk.data()));
        held.clear();
        heldBytes = 0;
        update();
    }

    /** The process never started: returns what Docker wrote (its error text) instead of sending it. */
    String discardHeld() {
        StringBuilder text = new StringBuilder();
        held.forEach(chunk -> text.append(chunk.data().toString(chunk.data().readerIndex() + 1,
            payloadBytes(chunk.data()), StandardCharsets.UTF_8)));
        held.clear();
        heldBytes = 0;
        return text.toString().strip();
    }

    void clientPaused(boolean paused) {
        clientPaused = paused;
        update();
    }

    /** Returns the output bytes sent to the client. */
    long bytesOut() {
        return bytesOut;
    }

    private void send(FrameType type, ByteBuf chunk) {
        if (ws.isClosed()) {
            chunk.release();
            return;
        }
        bytesOut += payloadBytes(chunk);
        chunk.setByte(chunk.readerIndex(), type.codeByte());
        ws.writeBinaryMessage(BufferInternal.buffer(chunk)).onComplete(written -> chunk.release());
        if (!wsFull && drain.full()) {
            wsFull = true;
            update();
            drain.once(() -> {
                wsFull = false;
                update();
            });
        }
    }

    private static int payloadBytes(ByteBuf chunk) {
        return chunk.readableBytes() - 1;
    }

    private void update() {
        if (stream == null) {
            return;
        }
        boolean want = !clientPaused && !wsFull && heldBytes <= MAX_HELD_BYTES;
        if (want != reading) {
            reading = want;
            if (want) {
                stream.resume();
            } else {
                stream.pause();
            }
        }
    }
}
