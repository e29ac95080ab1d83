package io.execbroker.sample.http;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;
import io.execbroker.sample.token.TokenIssuer;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.net.URI;
import java.util.Optional;

/** {@code POST /api/tokens}: a token for one of the signed-in user's grants, {@code {token, expiresInSeconds, brokerUrl}}. */
final class TokenRequestHandler implements Handler<RoutingContext> {
    private final Users users;
    private final TokenIssuer issuer;
    private final URI brokerUrl;

    TokenRequestHandler(Users users, TokenIssuer issuer, URI brokerUrl) {
        this.users = users;
        this.issuer = issuer;
        this.brokerUrl = brokerUrl;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<UserAccount> account = MeHandler.signedIn(ctx, users);
        if (account.isEmpty()) {
            ctx.fail(new HttpException(401, "not signed in"));
            return;
        }
        ExecGrant grant;
        try {
            grant = GrantChoice.choose(account.get(), body(ctx));
        } catch (HttpException e) {
            ctx.fail(e);
            return;
        }
        issuer.issue(grant)
            .onFailure(ctx::fail)
            .onSuccess(token -> {
                ctx.response().putHeader("Cache-Control", "no-store");
                ctx.json(new JsonObject()
                    .put("token", token.token())
                    .put("expiresInSeconds", token.expiresIn().toSeconds())
                    .put("brokerUrl", brokerUrl.toString()));
            });
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            return ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new HttpException(400, "body: not a JSON object");
        }
    }
}
