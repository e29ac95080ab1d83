package io.execbroker.sample.token;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.WatchGrant;
import io.execbroker.sample.watch.WatchGrantJson;
import io.vertx.core.Future;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Issues random one-time tokens and stores their hash with the grant and the id of the broker they are for, for the
 * controller endpoint to redeem. The
 * stored grant JSON says the token's purpose: an exec grant has {@code command}, a watch grant {@code events}.
 */
public final class StoredTokenIssuer implements TokenIssuer {
    private final JdbcTokenStore store;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random;

    public StoredTokenIssuer(JdbcTokenStore store, Clock clock, Duration ttl, SecureRandom random) {
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
        this.random = random;
    }

    @Override
    public Future<IssuedToken> issue(ExecGrant grant, String brokerId) {
        return store(grant.subject(), GrantJson.toJson(grant), brokerId);
    }

    @Override
    public Future<IssuedToken> issueWatch(WatchGrant grant, String brokerId) {
        return store(grant.subject(), WatchGrantJson.toJson(grant), brokerId);
    }

    private Future<IssuedToken> store(Optional<String> subject, String grantJson, String brokerId) {
        if (subject.isEmpty()) {
            return Future.failedFuture(new IllegalArgumentException("grant: no subject"));
        }
        String token = OneTimeTokens.newToken(random);
        StoredToken row = new StoredToken(subject.get(), grantJson, clock.instant().plus(ttl),
            Optional.of(brokerId));
        return store.insert(OneTimeTokens.hash(token), row).map(v -> new IssuedToken(token, ttl));
    }
}
