package io.execbroker.broker.docker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

import java.nio.charset.StandardCharsets;

/**
 * The hijacked stream of one started docker exec, read and written on an event loop with no extra thread: a
 * small non-blocking client of {@code POST /exec/{id}/start} with {@code Upgrade: tcp}. With tty off it splits
 * Docker's multiplexed stream into stdout and stderr; with tty on the stream is raw and all of it is stdout. The
 * framing follows what the broker asked for, never a guess from the bytes. Not thread safe: use it from the
 * event loop it was opened on.
 */
public final class ExecStream {
    private final NetSocketInternal socket;
    private final boolean tty;
    private final StreamDemuxer demuxer;
    private OutputHandler output = (stream, chunk) -> { };
    private Handler<Throwable> failure = e -> { };
    /** Bytes that came in the same read as the 101 head: the start of the stream. */
    private ByteBuf pending;
    private boolean closed;
    private final ReadCoalescing coalescing;

    /**
     * Receives output chunks in order; {@code stream} is never {@code STDERR} for tty sessions. A chunk's first
     * byte is a spare one, free to overwrite (with a message type, say), and the payload follows. The handler
     * owns the chunk and must release it, at the latest once it is written.
     */
    @FunctionalInterface
    public interface OutputHandler {
        void handle(StreamDemuxer.Stream stream, ByteBuf chunk);
    }

    private ExecStream(NetSocketInternal socket, boolean tty) {
        this.socket = socket;
        this.tty = tty;
        this.demuxer = tty ? null : new StreamDemuxer((stream, chunk) -> output.handle(stream, chunk));
        this.coalescing = new ReadCoalescing(socket.channelHandlerContext().channel());
    }

    /**
     * Connects to Docker at {@code address} and starts exec {@code execId}. The future completes once Docker
     * answered {@code 101}; output arriving before the caller sets its handlers is kept, as the socket is paused.
     */
    static Future<ExecStream> open(NetClient client, SocketAddress address, String host, String execId, boolean tty) {
        return client.connect(address).compose(connected -> {
            NetSocketInternal socket = (NetSocketInternal) connected;
            ReadBuffers.useFor(socket);
            socket.pause();
            Promise<ExecStream> upgraded = Promise.promise();
            UpgradeHead head = new UpgradeHead();
            socket.exceptionHandler(upgraded::tryFail);
            socket.endHandler(v -> upgraded.tryFail("Docker closed the connection before it started exec " + execId));
            // Raw reads, as Netty made them (the stream's reads must keep their spare byte); the head is copied.
            socket.messageHandler(message -> {
                ByteBuf data = (ByteBuf) message;
                try {
                    if (!head.feed(Buffer.buffer(ByteBufUtil.getBytes(data)))) {
                        return;
                    }
                } catch (IllegalStateException e) {
                    socket.close();
                    upgraded.tryFail(e);
                    return;
                } finally {
                    data.release();
                }
                if (head.status() != 101) {
                    socket.close();
                    upgraded.tryFail("Docker refused to start exec " + execId + ": " + head.statusLine() + " "
                        + head.rest().toString(StandardCharsets.UTF_8).trim());
                    return;
                }
                socket.pause();
                ExecStream stream = new ExecStream(socket, tty);
                stream.pending = ReadBuffers.withSpareByte(Unpooled.wrappedBuffer(head.rest().getBytes()));
                upgraded.complete(stream);
            });
            socket.resume();
            String body = "{\"Detach\":false,\"Tty\":" + tty + "}";
            socket.write("POST /exec/" + execId + "/start HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: exec-broker\r\n"
                + "Content-Type: application/json\r\n"
                + "Connection: Upgrade\r\n"
                + "Upgrade: tcp\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "\r\n"
                + body);
            return upgraded.future();
        });
    }

    /**
     * Sets the output handler and the end handler, then starts reading. {@code onEnd} runs once when Docker
     * closes the stream (the process exited, or the daemon went away); {@code onError} with a read failure or a
     * corrupt stream, after which the stream is closed.
     */
    public void start(OutputHandler onOutput, Handler<Void> onEnd, Handler<Throwable> onError) {
        this.output = onOutput;
        this.failure = onError;
        socket.exceptionHandler(onError);
        socket.endHandler(onEnd);
        // Over TLS, Docker ends the output of an exited process with TLS's close_notify (Go's CloseWrite), not with
        // a TCP FIN, and Netty reports that as an event, not as the end of input. Nothing follows it, so the
        // connection is closed: Vert.x then ends the stream after the output it still queues, as after a FIN.
        socket.eventHandler(event -> {
            boolean closeNotify = event instanceof SslCloseCompletionEvent;
            ReferenceCountUtil.release(event);
            if (closeNotify) {
                socket.close();
            }
        });
        socket.messageHandler(message -> {
            ByteBuf raw = (ByteBuf) message;
            boolean filled = raw.writableBytes() == 0;
            int bytes = raw.readableBytes();
            read(raw);
            coalescing.onRead(bytes, filled);
        });
        ByteBuf first = pending;
        pending = null;
        if (first.isReadable()) {
            read(first);
        } else {
            first.release();
        }
        socket.resume();
    }

    /** Takes one read of the stream, and releases it. */
    private void read(ByteBuf raw) {
        ByteBuf data = ReadBuffers.withSpareByte(raw);
        if (tty) {
            output.handle(StreamDemuxer.Stream.STDOUT, data.readerIndex(data.readerIndex() - 1));
            return;
        }
        try {
            demuxer.feed(data);
        } catch (IllegalStateException corrupt) {
            close();
            failure.handle(corrupt);
        } finally {
            data.release();
        }
    }

    /**
     * Returns the bytes of direct memory that output reads hold, across all streams: reads not yet written to
     * their clients, or queued while a client is slow. For metrics, and for tests that check every read is freed.
     */
    public static long outputBytesHeld() {
        return ReadMemory.bytesHeld();
    }

    /** Writes stdin bytes; the future completes once they are on the wire. */
    public Future<Void> write(Buffer stdin) {
        return socket.write(stdin);
    }

    /** Returns true while more stdin would exceed the write queue: wait for {@link #drainHandler}. */
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    public void drainHandler(Handler<Void> handler) {
        socket.drainHandler(handler);
    }

    public void setWriteQueueMaxSize(int bytes) {
        socket.setWriteQueueMaxSize(bytes);
    }

    /**
     * Stops reading output from Docker, at once: what the stream holds is at most the read under way, and the
     * process blocks once its pipe and the socket fill.
     */
    public void pause() {
        socket.pause();
        coalescing.hold(true);
    }

    public void resume() {
        coalescing.hold(false);
        socket.resume();
    }

    /** Ends stdin with a half-close, after what was written; output keeps flowing. */
    public Future<Void> endStdin() {
        return HalfClose.shutdownOutput(socket);
    }

    /** Closes the stream both ways; again, nothing. This does not stop the process: see {@link ExecTerminator}. */
    public Future<Void> close() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        // Reads queued while paused would wait for the garbage collector's cleaner: release them now, and the
        // stream's first bytes if the stream was never started.
        if (pending != null) {
            pending.release();
            pending = null;
        }
        socket.messageHandler(ReferenceCountUtil::release);
        socket.resume();
        return socket.close();
    }
}
