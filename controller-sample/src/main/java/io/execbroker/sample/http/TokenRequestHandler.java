package io.execbroker.sample.http;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;
import io.execbroker.sample.fleet.BrokerRoute;
import io.execbroker.sample.fleet.Brokers;
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

import java.util.Optional;

/**
 * {@code POST /api/tokens}: a one-time token for the signed-in user, bound to one broker ({@link BrokerChoice}). For
 * one of the user's grants ({@code {grantIndex}} or the grant itself): {@code {token, expiresInSeconds, brokerUrl,
 * broker}}, the URL and id of the broker that serves the grant's container. For a watch of the Docker events of the
 * user's containers ({@code {"purpose": "events"}}, optionally {@code "broker": id}; the scope is
 * {@link WatchScopes#of} narrowed to that broker's containers, never anything the body says): {@code {token,
 * expiresInSeconds, eventsUrl, broker}}. 401 not signed in, 400 a malformed body, 403 not the user's grant or no
 * container to watch, 404 a container no broker serves or an unknown broker; nothing is issued on any of them.
 */
final class TokenRequestHandler implements Handler<RoutingContext> {
    private final Users users;
    private final TokenIssuer issuer;
    private final BrokerChoice brokers;

    TokenRequestHandler(Users users, TokenIssuer issuer, Brokers brokers) {
        this.users = users;
        this.issuer = issuer;
        this.brokers = new BrokerChoice(brokers);
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
            answer = purpose(body) == TokenPurpose.EVENTS ? watchToken(account.get(), body)
                : execToken(account.get(), body);
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
        BrokerRoute broker = brokers.forExec(grant);
        return issuer.issue(grant, broker.id())
            .map(token -> answer(token, broker).put("brokerUrl", broker.url().toString()));
    }

    private Future<JsonObject> watchToken(UserAccount account, JsonObject body) {
        WatchScopes.of(account).orElseThrow(() -> new HttpException(403, "nothing to watch: "
            + account.name() + " holds no grant for a container"));
        BrokerRoute broker = brokers.forWatch(account, body);
        WatchGrant grant = WatchScopes.of(account, broker::serves).orElseThrow(() -> new HttpException(403,
            "nothing to watch: broker " + broker.id() + " serves no container of " + account.name()));
        return issuer.issueWatch(grant, broker.id())
            .map(token -> answer(token, broker).put("eventsUrl", EventsUrl.of(broker.url()).toString()));
    }

    private static JsonObject answer(IssuedToken token, BrokerRoute broker) {
        return new JsonObject().put("token", token.token()).put("expiresInSeconds", token.expiresIn().toSeconds())
            .put("broker", broker.id());
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
