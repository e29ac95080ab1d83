package io.execbroker.broker.testing;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small real controller (DESIGN.md §5) on a free port: token {@code good} gets the requested command and tty in
 * servertest, any other token gets 403.
 */
public final class TestController implements AutoCloseable {
    public static final String GOOD_TOKEN = "good-token-0123456789";

    private final Vertx vertx;
    private final HttpServer server;

    private TestController(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static TestController start() throws Exception {
        return start(() -> { });
    }

    /** Starts one that runs {@code asked} on each request as it arrives, before it answers. */
    public static TestController start(Runnable asked) throws Exception {
        return start(DockerFixture.CONTAINER, asked);
    }

    /** Starts one that grants commands in {@code container}, like one on a second engine, and runs {@code asked}. */
    public static TestController start(String container, Runnable asked) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            asked.run();
            if (!GOOD_TOKEN.equals(request.getParam("token"))) {
                request.response().setStatusCode(403).end("{\"error\":\"denied\"}");
                return;
            }
            List<String> command = request.params().getAll("command");
            ExecGrant grant = ExecGrant.builder(container, command.isEmpty() ? List.of("sh") : command)
                .tty("true".equals(request.getParam("tty"))).subject("alice").build();
            request.response().putHeader("Content-Type", "application/json").end(GrantJson.toJson(grant));
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new TestController(vertx, server);
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/controller";
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
