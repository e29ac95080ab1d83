package io.execbroker.broker.testing;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A controller that fails at the TCP level, as no HTTP server library lets one: it never reads, or resets the
 * connection (TCP RST, by closing with {@code SO_LINGER} 0) before or in the middle of its answer. It counts the
 * connections it was sent and those still open. One event loop of its own. Thread safe. {@link StallingController}
 * is the one that reads and never answers, counting exactly how many calls it holds at once.
 */
public final class FaultyController implements AutoCloseable {
    /** How the controller fails. */
    public enum Fault {
        /** Accepts the connection and never reads from it (a hung process: the kernel still takes the bytes). */
        NEVER_READS,
        /** Resets the connection as soon as the request arrives. */
        RESETS_BEFORE_ANSWER,
        /** Sends the status line, the headers and part of the body of a 200, then resets the connection. */
        RESETS_MID_ANSWER
    }

    /** The head and the first bytes of a 200 whose body should be 100 bytes of grant. */
    private static final String PARTIAL_ANSWER = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"container\":\"servertest\",";
    /** Long enough for the client to have read the partial answer before the reset arrives. */
    private static final long RESET_AFTER_MILLIS = 100;

    private final Vertx vertx;
    private final NetServer server;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    private FaultyController(Vertx vertx, Fault fault) {
        this.vertx = vertx;
        this.server = vertx.createNetServer(new NetServerOptions().setSoLinger(0).setAcceptBacklog(4096))
            .connectHandler(socket -> accept(socket, fault));
    }

    /** Starts one on a free port of 127.0.0.1. */
    public static FaultyController start(Fault fault) throws Exception {
        FaultyController controller = new FaultyController(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)), fault);
        controller.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return controller;
    }

    private void accept(NetSocket socket, Fault fault) {
        connections.incrementAndGet();
        open.incrementAndGet();
        socket.closeHandler(v -> open.decrementAndGet());
        switch (fault) {
            case NEVER_READS -> socket.pause();
            case RESETS_BEFORE_ANSWER -> socket.handler(request -> socket.close());
            case RESETS_MID_ANSWER -> socket.handler(request -> {
                socket.handler(null);
                socket.write(PARTIAL_ANSWER);
                vertx.setTimer(RESET_AFTER_MILLIS, id -> socket.close());
            });
            default -> throw new IllegalArgumentException("fault: " + fault);
        }
    }

    /** Returns the controller URL to configure, like {@code http://127.0.0.1:4711/controller}. */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/controller";
    }

    /** Returns the connections open now, as this side sees them. */
    public int open() {
        return open.get();
    }

    /** Returns the connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
