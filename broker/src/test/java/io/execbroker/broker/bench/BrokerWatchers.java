package io.execbroker.broker.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker side of the events part: watchers on the in-process broker's {@code /events}, bare Vert.x WebSocket
 * clients on a Vertx of their own (threads {@value #THREAD_PREFIX}*), as {@link RawWsSubject} drives exec. The
 * bench's authorizer grants each the watch of {@code servertest}'s container events ({@link BrokerSubject}), so
 * they see what the direct streams' filter lets through. A watcher reads every message as it comes.
 */
final class BrokerWatchers implements EventReceivers {
    static final String THREAD_PREFIX = "bench-watch-";
    private static final int MAX_CONNECTIONS = 100_000;
    private static final long TIMEOUT_SECONDS = 120;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final int port;

    private BrokerWatchers(Vertx vertx, WebSocketClient client, int port) {
        this.vertx = vertx;
        this.client = client;
        this.port = port;
    }

    static BrokerWatchers start(BrokerSubject broker) {
        Vertx vertx = NamedVertx.create(THREAD_PREFIX);
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
            .setMaxConnections(MAX_CONNECTIONS).setTcpNoDelay(true));
        return new BrokerWatchers(vertx, client, broker.broker().port());
    }

    @Override
    public String name() {
        return "broker";
    }

    @Override
    public String threadPrefix() {
        return THREAD_PREFIX;
    }

    @Override
    public Opened open(EventTally tally) throws Exception {
        Watching watching = new Watching();
        List<Future<?>> connecting = new ArrayList<>();
        for (int i = 0; i < tally.receivers(); i++) {
            int who = i;
            ClientWebSocket socket = client.webSocket();
            socket.textMessageHandler(json -> tally.received(who, json));
            socket.closeHandler(v -> {
                if (!watching.closing) {
                    tally.lost(who);
                }
            });
            connecting.add(socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/events").setAllowOriginHeader(false).addHeader("Authorization", "Bearer bench")));
        }
        watching.connecting.addAll(connecting);
        try {
            Future.join(connecting).toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            long failed = connecting.stream().filter(Future::failed).count();
            Throwable first = connecting.stream().filter(Future::failed).findFirst().map(Future::cause).orElse(e);
            watching.close();
            throw new BenchException(failed + " of " + tally.receivers() + " broker watchers failed to connect, first: "
                + first, first);
        }
        return watching;
    }

    /** Open watchers. */
    private static final class Watching implements Opened {
        final List<Future<?>> connecting = new ArrayList<>();
        volatile boolean closing;

        @Override
        public void close() throws Exception {
            closing = true;
            List<Future<?>> closed = new ArrayList<>();
            for (Future<?> connected : connecting) {
                if (connected.succeeded() && connected.result() instanceof WebSocket socket && !socket.isClosed()) {
                    closed.add(socket.close());
                }
            }
            Future.join(closed).toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
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
