package io.execbroker.protocol.client;

import io.execbroker.protocol.codec.FrameEncoder;
import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;
import io.execbroker.protocol.frame.ProtocolLimits;

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
import java.util.concurrent.CompletionException;

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

    private final ClientReceiver receiver;
    private final WebSocket ws;
    private final StdinStream stdin;

    private ExecClient(ClientReceiver receiver, WebSocket ws) {
        this.receiver = receiver;
        this.ws = ws;
        this.stdin = new StdinStream(this);
    }

    /**
     * Opens a session. The future fails with an {@link ExecClientException} holding the HTTP status when the
     * broker refuses the handshake.
     */
    public static CompletableFuture<ExecClient> connect(URI uri, Options options) {
        ClientReceiver receiver = new ClientReceiver(options.highWaterBytes, ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES);
        WebSocket.Builder builder = options.httpClient.newWebSocketBuilder().connectTimeout(options.connectTimeout);
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
                String tls = TlsFailure.describe(cause);
                if (tls != null) {
                    throw new ExecClientException(-1, -1, tls, cause);
                }
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

    /** The default JDK client, made on first use and shared (it is thread safe). */
    private static final class SharedHttpClient {
        static final HttpClient INSTANCE = HttpClient.newHttpClient();
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
        private HttpClient httpClient = SharedHttpClient.INSTANCE;

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

        /**
         * The JDK client to open the WebSocket with (for TLS settings or a proxy). By default all sessions share
         * one: a new {@code HttpClient} per session costs milliseconds and threads.
         */
        public Options httpClient(HttpClient value) {
            this.httpClient = java.util.Objects.requireNonNull(value, "httpClient");
            return this;
        }
    }
}
