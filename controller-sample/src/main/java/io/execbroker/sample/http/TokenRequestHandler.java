package io.execbroker.sample.http;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;
import io.execbroker.sample.token.IssuedToken;
import io.execbroker.sample.token.TokenIssuer;
import io.execbroker.sample.watch.EventsUrl;
import io.execbroker.sample.watch.WatchScopes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.net.URI;
import java.util.Optional;

/**
 * {@code POST /api/tokens}: a one-time token for the signed-in user. For one of the user's grants
 * ({@code {grantIndex}} or the grant itself): {@code {token, expiresInSeconds, brokerUrl}}. For a watch of the Docker
 * events of the user's containers ({@code {"purpose": "events"}}; the scope is {@link WatchScopes#of}, never
 * anything the body says): {@code {token, expiresInSeconds, eventsUrl}}. 401 not signed in, 400 a malformed body,
 * 403 not the user's grant or no container to watch.
 */
final class TokenRequestHandler implements Handler<RoutingContext> {
    private final Users users;
    private final TokenIssuer issuer;
    private final URI brokerUrl;
    private final URI eventsUrl;

    TokenRequestHandler(Users users, TokenIssuer issuer, URI brokerUrl) {
        this.users = users;
        this.issuer = issuer;
        this.brokerUrl = brokerUrl;
        this.eventsUrl = EventsUrl.of(brokerUrl);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<UserAccount> account = MeHandler.signedIn(ctx, users);
        if (account.isEmpty()) {
            ctx.fail(new HttpException(401, "not signed in"));
            return;
        }
        Future<JsonObject> answer;
        try {
            JsonObject body = body(ctx);
            answer = purpose(body) == TokenPurpose.EVENTS ? watchToken(account.get()) : execToken(account.get(), body);
        } catch (HttpException e) {
            ctx.fail(e);
            return;
        }
        answer.onFailure(ctx::fail).onSuccess(json -> {
            ctx.response().putHeader("Cache-Control", "no-store");
            ctx.json(json);
        });
    }

    private Future<JsonObject> execToken(UserAccount account, JsonObject body) {
        ExecGrant grant = GrantChoice.choose(account, body);
        return issuer.issue(grant).map(token -> answer(token).put("brokerUrl", brokerUrl.toString()));
    }

    private Future<JsonObject> watchToken(UserAccount account) {
        WatchGrant grant = WatchScopes.of(account).orElseThrow(() -> new HttpException(403, "nothing to watch: "
            + account.name() + " holds no grant for a container"));
        return issuer.issueWatch(grant).map(token -> answer(token).put("eventsUrl", eventsUrl.toString()));
    }

    private static JsonObject answer(IssuedToken token) {
        return new JsonObject().put("token", token.token()).put("expiresInSeconds", token.expiresIn().toSeconds());
    }

    private static TokenPurpose purpose(JsonObject body) {
        Object purpose = body == null ? null : body.getValue("purpose");
        if (purpose != null && !(purpose instanceof String)) {
            throw new HttpException(400, "purpose: " + purpose + " (expected: \"events\", or \"exec\" or none)");
        }
        return TokenPurpose.parse("purpose", (String) purpose);
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            return ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new HttpException(400, "body: not a JSON object");
        }
    }
}
