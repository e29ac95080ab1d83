package io.execbroker.sample.http;

import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.Optional;

/**
 * {@code GET /api/me}: {@code {user, grants, csrfToken, brokerUrl}}. Before login {@code user} is null and
 * {@code grants} empty, and the page still gets the CSRF token it needs to post the login form (in a cookie, not a
 * session: see {@link CsrfHandler}).
 */
final class MeHandler implements Handler<RoutingContext> {
    private final Users users;
    private final CsrfHandler csrf;
    private final URI brokerUrl;

    MeHandler(Users users, CsrfHandler csrf, URI brokerUrl) {
        this.users = users;
        this.csrf = csrf;
        this.brokerUrl = brokerUrl;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<UserAccount> account = signedIn(ctx, users);
        JsonArray grants = new JsonArray();
        account.ifPresent(a -> a.grants().forEach(g -> grants.add(new JsonObject(GrantJson.toJson(g)))));
        ctx.response().putHeader("Cache-Control", "no-store");
        ctx.json(new JsonObject()
            .put("user", account.map(UserAccount::name).orElse(null))
            .put("grants", grants)
            .put("csrfToken", csrf.tokenFor(ctx))
            .put("brokerUrl", brokerUrl.toString()));
    }

    /** Returns the session's user, if signed in and still in the users file. Never creates a session. */
    static Optional<UserAccount> signedIn(RoutingContext ctx, Users users) {
        return SignedInSession.user(ctx).flatMap(users::find);
    }
}
