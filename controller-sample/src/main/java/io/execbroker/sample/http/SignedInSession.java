package io.execbroker.sample.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;

import java.util.Optional;

/**
 * Finds the signed-in session of a request without creating one. The session handler is lazy: it stores a session
 * and sets its cookie only if a handler calls {@code ctx.session()}, so a request without a session cookie must not
 * call it. Only {@link LoginHandler} makes a session; every stored session has a user.
 */
final class SignedInSession {
    private SignedInSession() {
    }

    /** Returns the request's session if it names a stored, signed-in one; never touches the session otherwise. */
    static Optional<Session> of(RoutingContext ctx) {
        if (ctx.request().getCookie(SampleRouter.SESSION_COOKIE) == null) {
            return Optional.empty();
        }
        Session session = ctx.session();
        return session == null || session.get(SessionKeys.USER) == null ? Optional.empty() : Optional.of(session);
    }

    /** Returns the name of the signed-in user, if any. */
    static Optional<String> user(RoutingContext ctx) {
        return of(ctx).map(session -> session.get(SessionKeys.USER));
    }
}
