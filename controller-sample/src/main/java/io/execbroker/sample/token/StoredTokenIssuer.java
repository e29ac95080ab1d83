package io.execbroker.sample.token;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.vertx.core.Future;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/** Issues random one-time tokens and stores their hash with the grant, for the controller endpoint to redeem. */
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
    public Future<IssuedToken> issue(ExecGrant grant) {
        String subject = grant.subject().orElseThrow(() -> new IllegalArgumentException("grant: no subject"));
        String token = OneTimeTokens.newToken(random);
        StoredToken row = new StoredToken(subject, GrantJson.toJson(grant), clock.instant().plus(ttl));
        return store.insert(OneTimeTokens.hash(token), row).map(v -> new IssuedToken(token, ttl));
    }
}
