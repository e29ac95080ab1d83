package io.execbroker.broker;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.Objects;

/**
 * The broker's HTTP server as one server per event loop, all on one port: Vert.x hands each new connection to the
 * next of them in turn, and a connection (its handshake, its session, its Docker stream) stays on the event loop it
 * came in on. So sessions spread over the cores rather than all sharing one event loop, and an echo waits behind the
 * bulk output of only the sessions on its own loop. The first server listens on the configured port, the others
 * on the port it got. On a port number of its own Vert.x shares the first server's socket with the others; it does
 * not share port 0, so with port 0 (tests, benchmarks) the servers bind with {@code SO_REUSEPORT} and the kernel
 * spreads the connections. Never with a configured port: there a second broker started on it by mistake must still
 * fail with "address in use" rather than take half of the connections. {@code SO_REUSEPORT} needs Netty's native
 * transport; without it, with port 0, one server. Every handler the servers share must be thread safe; the broker's
 * are (the registry, the checks, the lookups, the authorizers).
 */
final class EventLoopServers {
    private final Vertx vertx;
    private final HttpServerOptions options;
    private final Handler<HttpServerRequest> handler;
    private final int count;
    private final HttpServer first;
    /** The deployment of the servers past the first, once they listen. */
    private volatile String others;

    /** {@code count} servers (at least one) for {@code handler}, not listening yet. */
    EventLoopServers(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.handler = Objects.requireNonNull(handler, "handler");
        boolean anyPort = options.getPort() == 0;
        this.count = anyPort && !vertx.isNativeTransportEnabled() ? 1 : count;
        this.options = new HttpServerOptions(options).setReusePort(anyPort && this.count > 1);
        this.first = vertx.createHttpServer(this.options).requestHandler(handler);
    }

    /** Completes once every server listens. */
    Future<Void> listen() {
        return first.listen().compose(listening -> {
            if (count == 1) {
                return Future.succeededFuture();
            }
            HttpServerOptions samePort = new HttpServerOptions(options).setPort(first.actualPort());
            return vertx.deployVerticle(() -> new Listener(samePort, handler), new DeploymentOptions()
                .setInstances(count - 1)).map(id -> {
                    others = id;
                    return null;
                });
        });
    }

    /** The server that owns the listening socket: the one to give new TLS options to (the others share them). */
    HttpServer first() {
        return first;
    }

    int port() {
        return first.actualPort();
    }

    /** Stops listening, in any state: the others first, then the socket's owner. */
    Future<Void> close() {
        String deployed = others;
        Future<Void> closed = deployed == null ? Future.succeededFuture() : vertx.undeploy(deployed);
        return closed.transform(v -> first.close());
    }

    /** One more server on the port, on an event loop of its own (each instance of a deployment gets one). */
    private static final class Listener extends VerticleBase {
        private final HttpServerOptions options;
        private final Handler<HttpServerRequest> handler;

        Listener(HttpServerOptions options, Handler<HttpServerRequest> handler) {
            this.options = Objects.requireNonNull(options, "options");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(options).requestHandler(handler).listen();
        }
    }
}
