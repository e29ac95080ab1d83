package io.execbroker.broker.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker column: the in-process broker of {@link BrokerSubject}, driven by {@link RawWsExec} (a bare Vert.x
 * WebSocket client on its own Vertx, threads {@value #THREAD_PREFIX}*), the same shape as the direct client, so
 * that broker against direct is what the broker costs. The "broker JDK client" column drives the same broker
 * with the Java protocol client; the two broker columns side by side show what that client costs.
 */
final class RawWsSubject extends ExecSubject {
    static final String THREAD_PREFIX = "bench-rawws-";
    private static final int MAX_MESSAGE = 2 * 1024 * 1024;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final int port;
    private final String token;

    private RawWsSubject(Vertx vertx, WebSocketClient client, int port, String token) {
        this.vertx = vertx;
        this.client = client;
        this.port = port;
        this.token = token;
    }

    static RawWsSubject start(BrokerSubject broker) {
        return connect(broker.broker().port(), null, 1000);
    }

    /**
     * A client of the broker on 127.0.0.1:{@code port}, such as a broker process of its own ({@link BrokerProcess}),
     * that sends {@code token} (null: none) as {@code Authorization: Bearer} and keeps up to {@code maxConnections}
     * sessions open at once.
     */
    static RawWsSubject connect(int port, String token, int maxConnections) {
        Vertx vertx = NamedVertx.create(THREAD_PREFIX);
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
            .setMaxFrameSize(MAX_MESSAGE).setMaxMessageSize(MAX_MESSAGE).setMaxConnections(maxConnections)
            .setTcpNoDelay(true));
        return new RawWsSubject(vertx, client, port, token);
    }

    @Override
    public String name() {
        return "broker";
    }

    @Override
    protected BenchExec start(List<String> argv, boolean tty, java.util.function.Consumer<Buffer> stdout) {
        return RawWsExec.start(vertx, client, port, token, argv, tty, stdout);
    }

    @Override
    public void close() throws Exception {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
