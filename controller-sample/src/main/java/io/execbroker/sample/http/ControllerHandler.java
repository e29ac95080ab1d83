package io.execbroker.sample.http;

import io.execbroker.sample.fleet.BrokerBinding;
import io.execbroker.sample.token.JdbcTokenStore;
import io.execbroker.sample.token.OneTimeTokens;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /controller?token=…[&command=…][&tty=…]} and {@code GET /controller?token=…&purpose=events} (controller
 * contract v1, DESIGN.md §5; PROTOCOL.md, "Docker events"), called by the broker. A malformed token or an unknown
 * {@code purpose} is refused before the store is asked (403, 400); otherwise the token is consumed first, so any
 * answer burns it, and {@link ControllerAnswer} says what to answer: 200 with the exec grant or the watch grant
 * (subject = the user), or 403 for a token that was unknown, used or expired, presented by another broker than the
 * one it was issued for ({@link BrokerBinding}, header {@value BrokerBinding#HEADER}), for the other purpose, or
 * asked for another command or tty than granted. An absent {@code command} or {@code tty} means "as granted"; a watch takes
 * neither (400).
 */
final class ControllerHandler implements Handler<RoutingContext> {
    private final JdbcTokenStore store;
    private final BrokerBinding binding;
    private final Clock clock;

    ControllerHandler(JdbcTokenStore store, BrokerBinding binding, Clock clock) {
        this.store = store;
        this.binding = binding;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String token = ctx.request().getParam("token");
        if (token == null || token.isEmpty() || token.length() > 512) {
            ctx.fail(new HttpException(403, "token: missing or malformed"));
            return;
        }
        Optional<String> broker = Optional.ofNullable(ctx.request().getHeader(BrokerBinding.HEADER));
        List<String> command = ctx.queryParam("command");
        Optional<String> tty = Optional.ofNullable(ctx.request().getParam("tty"));
        TokenPurpose purpose;
        try {
            purpose = TokenPurpose.parse("purpose", ctx.request().getParam("purpose"));
        } catch (HttpException e) {
            ctx.fail(e);
            return;
        }
        if (purpose == TokenPurpose.EVENTS && (!command.isEmpty() || tty.isPresent())) {
            ctx.fail(new HttpException(400, "command, tty: set with purpose=events (expected: neither for a watch)"));
            return;
        }
        store.consume(OneTimeTokens.hash(token))
            .onFailure(ctx::fail)
            .onSuccess(stored -> {
                String grant;
                try {
                    grant = ControllerAnswer.grantJson(stored, clock.instant(), binding, broker, purpose, command, tty);
                } catch (HttpException e) {
                    ctx.fail(e);
                    return;
                }
                ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(grant);
            });
    }
}
