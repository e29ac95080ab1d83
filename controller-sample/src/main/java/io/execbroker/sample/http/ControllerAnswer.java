package io.execbroker.sample.http;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.GrantPurposeException;
import io.execbroker.sample.fleet.BrokerBinding;
import io.execbroker.sample.token.StoredToken;
import io.execbroker.sample.watch.WatchGrantJson;
import io.vertx.ext.web.handler.HttpException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The controller's answer for a token it has just consumed: the grant JSON, or an {@link HttpException} 403 for a
 * token that was unknown, used or expired, presented by a broker other than its own, a token for the other purpose (an exec token asked for with
 * {@code purpose=events}, a watch token asked for without it), or a requested command or tty other than granted.
 * The stored grant's JSON says the token's purpose, read by the protocol's own parser. Pure.
 */
final class ControllerAnswer {
    private ControllerAnswer() {
    }

    /**
     * Returns the grant JSON to answer with, subject = the user.
     *
     * @param binding which broker may redeem the token
     * @param broker the id the asking broker sent, if any
     * @param command the requested argv, empty for "as granted" (always empty for a watch)
     * @param tty the requested tty, empty for "as granted" (always empty for a watch)
     * @throws HttpException 403 naming why
     */
    static String grantJson(Optional<StoredToken> stored, Instant now, BrokerBinding binding, Optional<String> broker,
                            TokenPurpose purpose, List<String> command, Optional<String> tty) {
        if (stored.isEmpty()) {
            throw new HttpException(403, "token: unknown or already used");
        }
        if (!stored.get().expiresAt().isAfter(now)) {
            throw new HttpException(403, "token: expired at " + stored.get().expiresAt());
        }
        binding.refusal(stored.get().brokerId(), broker).ifPresent(why -> {
            throw new HttpException(403, why);
        });
        String json = stored.get().grantJson();
        try {
            return purpose == TokenPurpose.EVENTS ? WatchGrantJson.toJson(GrantJson.parseWatch(json))
                : GrantJson.toJson(exec(GrantJson.parse(json, null), command, tty));
        } catch (GrantPurposeException e) {
            throw new HttpException(403, purpose == TokenPurpose.EVENTS
                ? "token: an exec token, asked for with purpose=events (expected: a token from {\"purpose\": \"events\"})"
                : "token: a token for watching events (expected: purpose=events, or an exec token)");
        }
    }

    private static ExecGrant exec(ExecGrant grant, List<String> command, Optional<String> tty) {
        if (!command.isEmpty() && !command.equals(grant.command())) {
            throw new HttpException(403, "command: " + command + " (expected: the granted " + grant.command() + ")");
        }
        if (tty.isPresent() && !tty.get().equals(Boolean.toString(grant.tty()))) {
            throw new HttpException(403, "tty: " + tty.get() + " (expected: the granted " + grant.tty() + ")");
        }
        return grant;
    }
}
