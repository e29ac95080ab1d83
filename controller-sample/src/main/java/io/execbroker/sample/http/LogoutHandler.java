package io.execbroker.sample.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;

/** {@code POST /logout}: destroys the session; 204 whether or not anyone was signed in. */
final class LogoutHandler implements Handler<RoutingContext> {
    @Override
    public void handle(RoutingContext ctx) {
        SignedInSession.of(ctx).ifPresent(Session::destroy);
        ctx.response().setStatusCode(204).end();
    }
}
