package io.execbroker.sample.token;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.WatchGrant;
import io.execbroker.sample.watch.WatchGrantJson;
import io.vertx.core.Future;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Signs an RS256 JWT per grant (DESIGN.md §6): claim {@code exec} holds the grant JSON as an object, or for a watch
 * of Docker events claim {@code events} holds the scope (never both); {@code sub} is the user, {@code jti} is random
 * so the broker's replay cache makes it single-use, {@code exp} is now + TTL, {@code aud} is the configured audience
 * or else the id of the broker the token is for (a fleet), which refuses it everywhere else. Nothing is stored.
 * Thread safe.
 */
public final class JwtTokenIssuer implements TokenIssuer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RsaSigningKey key;
    private final Algorithm algorithm;
    private final Optional<String> audience;
    private final Optional<String> issuer;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random;

    /** @param audience the {@code aud} of every JWT, or empty for the id of the broker each one is for */
    public JwtTokenIssuer(RsaSigningKey key, Optional<String> audience, Optional<String> issuer, Clock clock, Duration ttl,
                          SecureRandom random) {
        this.key = key;
        this.algorithm = Algorithm.RSA256(key.publicKey(), key.privateKey());
        this.audience = audience;
        this.issuer = issuer;
        this.clock = clock;
        this.ttl = ttl;
        this.random = random;
    }

    @Override
    public Future<IssuedToken> issue(ExecGrant grant, String brokerId) {
        Map<String, Object> exec;
        try {
            exec = MAPPER.readValue(GrantJson.toJson(grant), new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        return Future.succeededFuture(sign("exec", exec, grant.subject(), brokerId));
    }

    @Override
    public Future<IssuedToken> issueWatch(WatchGrant grant, String brokerId) {
        return Future.succeededFuture(sign("events", WatchGrantJson.scope(grant.scope()), grant.subject(), brokerId));
    }

    private IssuedToken sign(String claim, Map<String, Object> value, Optional<String> subject, String brokerId) {
        Instant now = clock.instant();
        JWTCreator.Builder jwt = JWT.create()
            .withKeyId(key.kid())
            .withAudience(audience.orElse(brokerId))
            .withJWTId(OneTimeTokens.newToken(random))
            .withIssuedAt(now)
            .withExpiresAt(now.plus(ttl))
            .withClaim(claim, value);
        subject.ifPresent(jwt::withSubject);
        issuer.ifPresent(jwt::withIssuer);
        return new IssuedToken(jwt.sign(algorithm), ttl);
    }
}
