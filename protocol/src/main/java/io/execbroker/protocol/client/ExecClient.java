package io.execbroker.protocol.client;

import io.execbroker.protocol.codec.FrameEncoder;
import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A protocol v1 client on the JDK's WebSocket: stdin as an {@link OutputStream} (closing it sends {@code end}),
 * stdout and stderr as bounded {@link InputStream}s, resize, pause and resume, and a future for the exit code.
 * Flow control is end to end: while a reader lags, the client takes no more messages from the socket, and while
 * the server says {@code pause}, stdin writes wait. Thread safe.
 *
 * <pre>{@code
 * ExecClient client = ExecClient.connect(URI.create("ws://127.0.0.1:8866/exec"),
 *     ExecClient.Options.defaults().token(token)).join();
 * client.stdin().write("hi\n".getBytes());
 * client.stdin().close();
 * String out = new String(client.stdout().readAllBytes());
 * int code = client.exitCode().join();
 * }</pre>
 */
public final class ExecClient implements AutoCloseable {
    /** Largest stdin message this client sends. */
    static final int MAX_STDIN_CHUNK = 64 * 1024;

    private final Receiver receiver;
    private final WebSocket ws;
    private final StdinStream stdin;

    private ExecClient(Receiver receiver, WebSocket ws) {
        this.receiver = receiver;
        this.ws = ws;
        this.stdin = new StdinStream(this);
    }

    /**
     * Opens a session. The future fails with an {@link ExecClientException} holding the HTTP status when the
     * broker refuses the handshake.
     */
    public static CompletableFuture<ExecClient> connect(URI uri, Options options) {
        Receiver receiver = new Receiver(options.highWaterBytes);
        HttpClient http = HttpClient.newBuilder().connectTimeout(options.connectTimeout).build();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(options.connectTimeout);
        List<String> subprotocols = new ArrayList<>();
        if (options.token != null) {
            if (options.tokenInSubprotocol) {
                subprotocols.add("base64url.bearer.exec-broker."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(options.token.getBytes(StandardCharsets.UTF_8)));
            } else {
                builder.header("Authorization", "Bearer " + options.token);
            }
        }
        if (options.offerV1) {
            subprotocols.add("exec-broker.v1");
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        return builder.buildAsync(withQuery(uri, options), receiver)
            .handle((ws, failure) -> {
                if (failure == null) {
                    return new ExecClient(receiver, ws);
                }
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
                int status = cause instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : -1;
                throw new ExecClientException(status, -1, "handshake failed"
                    + (status > 0 ? " with HTTP " + status : ": " + cause), cause);
            });
    }

    private static URI withQuery(URI uri, Options options) {
        StringBuilder query = new StringBuilder();
        for (String arg : options.command) {
            query.append(query.length() == 0 ? "" : "&").append("command=").append(URLEncoder.encode(arg, StandardCharsets.UTF_8));
        }
        if (options.tty != null) {
            query.append(query.length() == 0 ? "" : "&").append("tty=").append(options.tty);
        }
        if (query.length() == 0) {
            return uri;
        }
        String base = uri.toString();
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }

    /** Returns the process's stdin; {@code close()} sends {@code end} (stdin EOF). */
    public OutputStream stdin() {
        return stdin;
    }

    public InputStream stdout() {
        return receiver.stdout;
    }

    public InputStream stderr() {
        return receiver.stderr;
    }

    /** Completes when the server sent its first {@code resume}: the process runs. */
    public CompletableFuture<Void> started() {
        return receiver.started;
    }

    /** Completes with the exit code (0-255), or fails with an {@link ExecClientException} holding the close code. */
    public CompletableFuture<Integer> exitCode() {
        return receiver.exitCode;
    }

    /** Completes with the close code once the server closed the session. */
    public CompletableFuture<Integer> closed() {
        return receiver.closed;
    }

    /** Returns the texts of the {@code error} frames received so far. */
    public List<String> errors() {
        return List.copyOf(receiver.errors);
    }

    /** Returns how many times the server said {@code pause}: its process did not keep up with stdin. */
    public int pausesReceived() {
        return receiver.pauses.get();
    }

    /** Returns true if the server sent {@code shutdown}. */
    public boolean shutdownReceived() {
        return receiver.shutdown;
    }

    public void resize(int rows, int cols) {
        send(Frame.resize(rows, cols));
    }

    /** Asks the server to stop sending output until {@link #resume()}. */
    public void pause() {
        send(Frame.of(FrameType.PAUSE));
    }

    public void resume() {
        send(Frame.of(FrameType.RESUME));
    }

    /** Sends a raw message, for tests of how a server treats bad input. */
    public void sendRaw(byte[] message) {
        receiver.send(ws, ByteBuffer.wrap(message.clone())).join();
    }

    /** Drops the connection without a close handshake, as a crashed client would. */
    public void abort() {
        ws.abort();
    }

    /** Closes the session normally (1000); the broker then kills the process if it still runs. */
    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            receiver.sendClose(ws);
        }
    }

    void send(Frame frame) {
        receiver.send(ws, ByteBuffer.wrap(FrameEncoder.encode(frame))).join();
    }

    void writeStdin(byte[] bytes, int offset, int length) {
        receiver.awaitNotPaused();
        receiver.send(ws, ByteBuffer.wrap(FrameEncoder.encode(FrameType.STDIN, bytes, offset, length))).join();
    }

    /** Stdin as a stream: writes become stdin frames; close sends {@code end}. */
    private static final class StdinStream extends OutputStream {
        private final ExecClient client;
        private boolean closed;

        StdinStream(ExecClient client) {
            this.client = client;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            if (closed) {
                throw new IllegalStateException("stdin is closed");
            }
            for (int pos = offset; pos < offset + length; pos += MAX_STDIN_CHUNK) {
                client.writeStdin(bytes, pos, Math.min(MAX_STDIN_CHUNK, offset + length - pos));
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                client.send(Frame.of(FrameType.END));
            }
        }
    }

    /** Client settings. Not thread safe; build one per connect. */
    public static final class Options {
        private String token;
        private boolean tokenInSubprotocol;
        private boolean offerV1 = true;
        private List<String> command = List.of();
        private Boolean tty;
        private int highWaterBytes = 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(10);

        public static Options defaults() {
            return new Options();
        }

        /** Sends {@code token} as {@code Authorization: Bearer}. */
        public Options token(String value) {
            this.token = value;
            return this;
        }

        /** Sends the token in the subprotocol (as browsers must) instead of a header. */
        public Options tokenInSubprotocol(boolean value) {
            this.tokenInSubprotocol = value;
            return this;
        }

        /** Whether to offer the {@code exec-broker.v1} subprotocol (default true). */
        public Options offerV1(boolean value) {
            this.offerV1 = value;
            return this;
        }

        /** Asks for this argv ({@code ?command=…}); the server decides. */
        public Options command(List<String> argv) {
            this.command = List.copyOf(argv);
            return this;
        }

        public Options tty(boolean value) {
            this.tty = value;
            return this;
        }

        /** Unread output per stream before the client stops reading the socket (default 1 MiB). */
        public Options highWaterBytes(int value) {
            this.highWaterBytes = value;
            return this;
        }

        public Options connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }
    }

    /** Reassembles messages and routes them; holds the state the socket's thread updates. */
    private static final class Receiver implements WebSocket.Listener {
        final OutputPipe stdout;
        final OutputPipe stderr;
        final CompletableFuture<Void> started = new CompletableFuture<>();
        final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        volatile boolean shutdown;
        final java.util.concurrent.atomic.AtomicInteger pauses = new java.util.concurrent.atomic.AtomicInteger();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
        private WebSocket socket;
        private boolean serverPaused;
        private boolean waitingForReader;

        Receiver(int highWater) {
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

        @Override
        public CompletableFuture<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            byte[] message = partial.toByteArray();
            partial.reset();
            if (handle(message)) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletableFuture<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            errors.add("unexpected text message from the server");
            webSocket.request(1);
            return null;
        }

        /** Returns true if the next message may be requested now. */
        private boolean handle(byte[] message) {
            if (message.length == 0) {
                return true;
            }
            int code = message[0] & 0xff;
            byte[] payload = java.util.Arrays.copyOfRange(message, 1, message.length);
            if (code == FrameType.STDOUT.code()) {
                return offer(stdout, payload);
            } else if (code == FrameType.STDERR.code()) {
                return offer(stderr, payload);
            } else if (code == FrameType.RESUME.code()) {
                setServerPaused(false);
                started.complete(null);
            } else if (code == FrameType.PAUSE.code()) {
                pauses.incrementAndGet();
                setServerPaused(true);
            } else if (code == FrameType.STOPPED.code() && payload.length == 1) {
                exitCode.complete(payload[0] & 0xff);
            } else if (code == FrameType.SHUTDOWN.code()) {
                shutdown = true;
            } else if (code == FrameType.ERROR.code()) {
                errors.add(new String(payload, StandardCharsets.UTF_8));
            } else {
                errors.add("unknown message type from the server: " + code);
            }
            return true;
        }

        /**
         * Queues output for its reader; returns false when the reader lags. Under the lock that
         * {@link #readerCaughtUp} takes, so a reader that drains right after the offer cannot miss the flag.
         */
        private synchronized boolean offer(OutputPipe pipe, byte[] payload) {
            boolean more = pipe.offer(payload);
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
}
