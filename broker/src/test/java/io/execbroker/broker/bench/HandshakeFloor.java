package io.execbroker.broker.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;

import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The floor under the broker's setup time on this machine, with no broker and no Docker: what a bare Vert.x
 * WebSocket costs from connect to its first message (the 101, then one binary message, as {@code stopped} is), and
 * the same with one HTTP GET to a second server (the controller) before the 101. Sessions one after another with a
 * pause between them, as the setup benchmark runs them, so that every hop wakes a thread that was idle, which is
 * what a hop costs most on a virtual machine. {@code deploy/dev/bench.sh --handshake-floor [N] [PAUSE_MS]}.
 */
public final class HandshakeFloor {
    private static final String GRANT = "{\"container\":\"servertest\",\"command\":[\"true\"]}";

    private HandshakeFloor() {
    }

    public static void main(String[] args) throws Exception {
        String[] numbers = Arrays.stream(args).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        int n = numbers.length > 0 ? Integer.parseInt(numbers[0]) : 1000;
        int pauseMillis = numbers.length > 1 ? Integer.parseInt(numbers[1]) : 50;
        Vertx controllerVertx = NamedVertx.create("floor-controller");
        Vertx serverVertx = NamedVertx.create("floor-server");
        Vertx clientVertx = NamedVertx.create("floor-client");
        try {
            HttpServer controller = listen(controllerVertx.createHttpServer().requestHandler(r -> r.response()
                .putHeader("Content-Type", "application/json").end(GRANT)));
            HttpClient asks = serverVertx.createHttpClient(new HttpClientOptions(),
                new PoolOptions().setHttp1MaxSize(64));
            String grantUri = "http://127.0.0.1:" + controller.actualPort() + "/controller?token=t";
            HttpServer server = listen(serverVertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                .requestHandler(request -> {
                    request.pause();
                    Future<?> granted = "/ask".equals(request.path())
                        ? asks.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(grantUri))
                            .compose(r -> r.send()).compose(r -> r.body())
                        : Future.succeededFuture();
                    // A failed controller call is a 502 and fails the run: the figure must be of a call that worked.
                    granted.onFailure(e -> request.response().setStatusCode(502).end(e.toString()))
                        .onSuccess(g -> request.toWebSocket()
                            .onSuccess(ws -> ws.writeBinaryMessage(Buffer.buffer(new byte[] {1, 0}))));
                }));
            WebSocketClient client = clientVertx.createWebSocketClient();
            System.out.printf("handshake floor, %s; %d CPUs; %d sessions each, %d ms apart, after %d unmeasured%n",
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(), n,
                pauseMillis, n);
            String[] paths = {"/bare", "/ask"};
            long[][] nanos = {new long[n], new long[n]};
            // Interleaved, one session of each in turn, so that a drift of the machine hits both alike.
            for (int i = -n; i < n; i++) {
                for (int p = 0; p < paths.length; p++) {
                    long took = session(clientVertx, client, server.actualPort(), paths[p]);
                    if (i >= 0) {
                        nanos[p][i] = took;
                        // Not a wait for something: the idle time between sessions is the condition measured under.
                        Thread.sleep(pauseMillis);
                    }
                }
            }
            System.out.printf("  %-52s %s%n", "WebSocket to first message", describe(nanos[0]));
            System.out.printf("  %-52s %s%n", "WebSocket to first message, a controller GET first", describe(nanos[1]));
        } finally {
            for (Vertx vertx : new Vertx[] {clientVertx, serverVertx, controllerVertx}) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** One WebSocket from connect to its first message; returns how long it took. */
    private static long session(Vertx vertx, WebSocketClient client, int port, String path) throws Exception {
        CompletableFuture<Void> first = new CompletableFuture<>();
        long start = System.nanoTime();
        vertx.runOnContext(v -> client.connect(port, "127.0.0.1", path).onComplete((ws, failure) -> {
            if (failure != null) {
                first.completeExceptionally(failure);
                return;
            }
            ws.binaryMessageHandler(message -> {
                first.complete(null);
                ws.close();
            });
        }));
        first.get(30, TimeUnit.SECONDS);
        return System.nanoTime() - start;
    }

    private static String describe(long[] nanos) {
        return String.format("ms: min %.2f  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f", Stats.percentile(nanos, 0) / 1e6,
            Stats.percentile(nanos, 50) / 1e6, Stats.percentile(nanos, 90) / 1e6, Stats.percentile(nanos, 99) / 1e6,
            Stats.percentile(nanos, 100) / 1e6);
    }

    private static HttpServer listen(HttpServer server) throws Exception {
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
