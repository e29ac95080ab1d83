package io.execbroker.protocol.client;

import io.execbroker.protocol.frame.FrameType;
import io.execbroker.protocol.frame.ProtocolLimits;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Reassembles messages and routes them; holds the state the socket's thread updates. Thread safe. */
final class ClientReceiver implements WebSocket.Listener {
    final OutputPipe stdout;
    final OutputPipe stderr;
    final CompletableFuture<Void> started = new CompletableFuture<>();
    final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    volatile boolean shutdown;
    final AtomicInteger pauses = new AtomicInteger();
    /** The control message being put back together. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    /** Bytes of the current message so far, type byte included; 0 between messages. */
    private int messageBytes;
    /** Where the pieces of the current output message go; null for a control message. */
    private OutputPipe outputPipe;
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
    private WebSocket socket;
    private boolean serverPaused;
    private boolean waitingForReader;

    /** Largest message taken from the server; a larger one ends the session (the peer is broken). */
    private final int maxMessageBytes;

    ClientReceiver(int highWater, int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        stdout = new OutputPipe(highWater, this::readerCaughtUp);
        stderr = new OutputPipe(highWater, this::readerCaughtUp);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        synchronized (this) {
            socket = webSocket;
        }
        webSocket.request(1);
    }

    /**
     * The JDK hands a message over in pieces of its read buffer. Output goes to its pipe piece by piece, as it
     * comes (one copy, out of the JDK's buffer); only control messages, which are small, are put back together.
     */
    @Override
    public CompletableFuture<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        if (messageBytes + data.remaining() > maxMessageBytes) {
            partial.reset();
            errors.add("message from the server larger than " + maxMessageBytes + " bytes");
            webSocket.abort();
            finish(1009, "message too big", null);
            return null;
        }
        boolean first = messageBytes == 0;
        messageBytes += data.remaining();
        if (first && data.hasRemaining()) {
            int code = data.get(data.position()) & 0xff;
            outputPipe = code == FrameType.STDOUT.code() ? stdout : code == FrameType.STDERR.code() ? stderr : null;
        }
        boolean more = true;
        if (outputPipe != null) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            more = offer(outputPipe, bytes, first ? ProtocolLimits.HEADER_BYTES : 0);
        } else if (!last || partial.size() > 0) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
        }
        if (last) {
            if (outputPipe == null && messageBytes > 0) {
                byte[] message = partial.size() > 0 ? partial.toByteArray() : bytesOf(data);
                partial.reset();
                handleControl(message);
            }
            messageBytes = 0;
            outputPipe = null;
        }
        if (more) {
            webSocket.request(1);
        }
        return null;
    }

    private static byte[] bytesOf(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return bytes;
    }

    @Override
    public CompletableFuture<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        errors.add("unexpected text message from the server");
        webSocket.request(1);
        return null;
    }

    /** Acts on a whole message that is not output. */
    private void handleControl(byte[] message) {
        int code = message[0] & 0xff;
        if (code == FrameType.RESUME.code()) {
            setServerPaused(false);
            started.complete(null);
        } else if (code == FrameType.PAUSE.code()) {
            pauses.incrementAndGet();
            setServerPaused(true);
        } else if (code == FrameType.STOPPED.code() && message.length == 2) {
            exitCode.complete(message[1] & 0xff);
        } else if (code == FrameType.SHUTDOWN.code()) {
            shutdown = true;
        } else if (code == FrameType.ERROR.code()) {
            errors.add(new String(message, 1, message.length - 1, StandardCharsets.UTF_8));
        } else {
            errors.add("unknown message type from the server: " + code);
        }
    }

    /**
     * Queues output for its reader; returns false when the reader lags. Under the lock that
     * {@link #readerCaughtUp} takes, so a reader that drains right after the offer cannot miss the flag.
     */
    private synchronized boolean offer(OutputPipe pipe, byte[] bytes, int from) {
        boolean more = pipe.offer(bytes, from);
        if (!more) {
            waitingForReader = true;
        }
        return more;
    }

    private void readerCaughtUp() {
        WebSocket ws;
        synchronized (this) {
            if (!waitingForReader) {
                return;
            }
            waitingForReader = false;
            ws = socket;
        }
        ws.request(1);
    }

    private synchronized void setServerPaused(boolean paused) {
        serverPaused = paused;
        notifyAll();
    }

    synchronized void awaitNotPaused() {
        while (serverPaused && !closed.isDone()) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Sends one message after the previous one: the JDK allows one outstanding send at a time. */
    synchronized CompletableFuture<?> send(WebSocket ws, ByteBuffer message) {
        lastSend = lastSend.handle((v, e) -> null).thenCompose(v -> ws.sendBinary(message, true));
        return lastSend;
    }

    synchronized void sendClose(WebSocket ws) {
        lastSend = lastSend.handle((v, e) -> null).thenCompose(v -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""));
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        finish(statusCode, reason, null);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        finish(-1, error.toString(), error);
    }

    private void finish(int closeCode, String reason, Throwable error) {
        stdout.finish();
        stderr.finish();
        setServerPaused(false);
        String lastError = errors.isEmpty() ? reason : errors.get(errors.size() - 1);
        exitCode.completeExceptionally(new ExecClientException(-1, closeCode,
            "session closed with " + closeCode + " and no exit code: " + lastError, error));
        started.completeExceptionally(new ExecClientException(-1, closeCode, "session closed before start", error));
        closed.complete(closeCode);
    }
}
