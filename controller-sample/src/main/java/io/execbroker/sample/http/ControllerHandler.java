package io.execbroker.sample.http;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.sample.token.JdbcTokenStore;
import io.execbroker.sample.token.OneTimeTokens;
import io.execbroker.sample.token.StoredToken;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /controller?token=…&command=…&tty=…} (controller contract v1, DESIGN.md §5), called by the broker.
 * Consumes the token first, so any answer burns it; then a token that was unknown, used or expired, a requested
 * command other than the granted one, or a requested tty other than the granted one is 403. An absent
 * {@code command} or {@code tty} means "as granted". Success is 200 with the grant JSON, subject = the user.
 */
final class ControllerHandler implements Handler<RoutingContext> {
    private final JdbcTokenStore store;
    private final Clock clock;

    ControllerHandler(JdbcTokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String token = ctx.request().getParam("token");
        if (token == null || token.isEmpty() || token.length() > 512) {
            ctx.fail(new HttpException(403, "token: missing or malformed"));
            return;
        }
        List<String> command = ctx.queryParam("command");
        Optional<String> tty = Optional.ofNullable(ctx.request().getParam("tty"));
        store.consume(OneTimeTokens.hash(token))
            .onFailure(ctx::fail)
            .onSuccess(stored -> {
                ExecGrant grant;
                try {
                    grant = check(stored, command, tty);
                } catch (HttpException e) {
                    ctx.fail(e);
                    return;
                }
                ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(GrantJson.toJson(grant));
            });
    }

    private ExecGrant check(Optional<StoredToken> stored, List<String> command, Optional<String> tty) {
        if (stored.isEmpty()) {
            throw new HttpException(403, "token: unknown or already used");
        }
        if (!stored.get().expiresAt().isAfter(clock.instant())) {
            throw new HttpException(403, "token: expired at " + stored.get().expiresAt());
        }
        ExecGrant grant = GrantJson.parse(stored.get().grantJson(), null);
        if (!command.isEmpty() && !command.equals(grant.command())) {
            throw new HttpException(403, "command: " + command + " (expected: the granted " + grant.command() + ")");
        }
        if (tty.isPresent() && !tty.get().equals(Boolean.toString(grant.tty()))) {
            throw new HttpException(403, "tty: " + tty.get() + " (expected: the granted " + grant.tty() + ")");
        }
        return grant;
    }
}
