package io.execbroker.broker.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator's listener, apart from the public WebSocket port: {@code GET /metrics} (Prometheus text),
 * {@code GET /healthz} (200 while the process serves) and {@code GET /readyz} (200, or 503 with a JSON body
 * naming each check that is not ready). Every other path is a JSON 404. Nothing here takes a token: bind it to an
 * address only the operator's scraper and probes reach (loopback by default).
 */
public final class OpsServer {
    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** Starts listening on {@code host:port} (0 for any free port). */
    public static Future<OpsServer> start(Vertx vertx, String host, int port, BrokerMetrics metrics,
                                          Readiness readiness) {
        return start(vertx, host, port, metrics, readiness, new JsonObject());
    }

    /** With {@code broker} (its id and public URL) in the body of {@code /healthz}, for a fleet's operator. */
    public static Future<OpsServer> start(Vertx vertx, String host, int port, BrokerMetrics metrics,
                                          Readiness readiness, JsonObject broker) {
        JsonObject health = new JsonObject().put("status", "ok");
        if (!broker.isEmpty()) {
            health.put("broker", broker.copy());
        }
        Router router = Router.router(vertx);
        router.get("/metrics").handler(ctx -> ctx.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, BrokerMetrics.contentType())
            .end(metrics.scrape()));
        router.get("/healthz").handler(ctx -> json(ctx, 200, health));
        router.get("/readyz").handler(ctx -> readiness.check().onComplete(done -> {
            Readiness.Report report = done.result();
            JsonObject checks = new JsonObject();
            report.checks().forEach(checks::put);
            json(ctx, report.ready() ? 200 : 503, new JsonObject()
                .put("status", report.ready() ? "ready" : "not ready").put("checks", checks));
        }));
        router.errorHandler(404, ctx -> json(ctx, 404, new JsonObject()
            .put("error", "not found (this listener serves /metrics, /healthz and /readyz)")));
        router.errorHandler(405, ctx -> json(ctx, 405, new JsonObject().put("error", "method not allowed (expected: GET)")));
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
            .requestHandler(router).listen().map(OpsServer::new);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
        }
    }
}
