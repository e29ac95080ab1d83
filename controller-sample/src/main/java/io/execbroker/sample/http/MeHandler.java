package io.execbroker.sample.http;

import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;
import io.execbroker.sample.fleet.Brokers;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/me}: {@code {user, grants, csrfToken, brokers}}, and {@code brokerUrl} with one broker (in a
 * fleet each token's answer says its broker's URL). {@code brokers} are the ids of the brokers that serve the user's
 * grants, in configured order (the events panel watches each). Before login {@code user} is null and
 * {@code grants} and {@code brokers} empty, and the page still gets the CSRF token it needs to post the login form
 * (in a cookie, not a session: see {@link CsrfHandler}).
 */
final class MeHandler implements Handler<RoutingContext> {
    private final Users users;
    private final CsrfHandler csrf;
    private final Brokers brokers;
    private final BrokerChoice choice;

    MeHandler(Users users, CsrfHandler csrf, Brokers brokers) {
        this.users = users;
        this.csrf = csrf;
        this.brokers = brokers;
        this.choice = new BrokerChoice(brokers);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<UserAccount> account = signedIn(ctx, users);
        JsonArray grants = new JsonArray();
        account.ifPresent(a -> a.grants().forEach(g -> grants.add(new JsonObject(GrantJson.toJson(g)))));
        ctx.response().putHeader("Cache-Control", "no-store");
        JsonObject me = new JsonObject()
            .put("user", account.map(UserAccount::name).orElse(null))
            .put("grants", grants)
            .put("csrfToken", csrf.tokenFor(ctx))
            .put("brokers", new JsonArray(account.map(choice::brokersOf).orElse(List.of())));
        if (!brokers.isFleet()) {
            me.put("brokerUrl", brokers.routes().get(0).url().toString());
        }
        ctx.json(me);
    }

    /** Returns the session's user, if signed in and still in the users file. Never creates a session. */
    static Optional<UserAccount> signedIn(RoutingContext ctx, Users users) {
        return SignedInSession.user(ctx).flatMap(users::find);
    }
}
