package io.execbroker.sample.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become responses: {@code {"error": "…"}} with the failure's status (and {@code Retry-After}
 * for a {@link RetryLaterException}); 500 hides details.
 */
final class FailureHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = failure instanceof HttpException http ? http.getStatusCode()
            : failure instanceof RetryLaterException later ? later.statusCode()
            : ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        String message;
        if (failure instanceof RetryLaterException later) {
            message = later.getMessage();
        } else if (failure instanceof HttpException http && http.getPayload() != null) {
            message = http.getPayload();
        } else if (status >= 500) {
            LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
            message = "internal error";
        } else {
            message = "request refused (" + status + ")";
        }
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        if (failure instanceof RetryLaterException later) {
            ctx.response().putHeader("Retry-After", later.retryAfterSeconds());
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(new JsonObject().put("error", message).encode());
    }
}
