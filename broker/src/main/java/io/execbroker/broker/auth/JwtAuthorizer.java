package io.execbroker.broker.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.RegisteredClaims;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Authorizes a handshake by its bearer JWT (DESIGN.md §6): the grant is the token's {@code exec} claim, or for a
 * watch of Docker events its {@code events} claim (the scope), never both.
 *
 * <p>Checks, in order: the header's {@code alg} is one the key allows (the key's type decides, never the token, so
 * {@code alg: none} and algorithm confusion are refused); the signature; {@code exp} (required), {@code nbf},
 * {@code iat}, and {@code iss} and {@code aud} when configured, each with the leeway; that {@code exp} is at most
 * the maximum lifetime away (beyond the leeway); the {@code exec} grant (or {@code events} scope); and
 * last, when single use is on, that the {@code jti} was not seen before.
 *
 * <p>Every refusal fails the future with an {@link AuthorizationException}: 401 with a short reason, like
 * {@code "expired"} or {@code "algorithm not allowed: HS256"}, which never holds the token; 503 when the replay
 * cache is full or the JWKS cannot be fetched. Thread safe; returns immediately: only a JWKS fetch is I/O, and it
 * is asynchronous.
 */
public final class JwtAuthorizer implements Authorizer {
    /** Longest token accepted, in chars (DoS protection: decoding comes before any check). */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    /** Longest {@code jti}, in chars (DoS protection: the replay cache holds each one until its token expires). */
    static final int MAX_JTI_CHARS = 256;
    private static final Pattern PRINTABLE_ALG = Pattern.compile("[A-Za-z0-9]{1,16}");

    private final JwtSettings settings;
    private final Clock clock;
    private final Function<String, Future<JwtKey>> keys;
    private final java.util.function.Supplier<Future<Void>> keysReady;
    private final boolean keysByKid;
    private final JwtReplayCache replays;

    /**
     * Fetches nothing yet: with a JWKS source, the key set is fetched when the first token names a {@code kid}.
     *
     * @param vertx fetches the JWKS if the key source is one; unused, and may be null, otherwise
     * @param clock the time to check {@code exp}, {@code nbf} and {@code iat} against
     */
    public JwtAuthorizer(Vertx vertx, JwtSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        JwtKeySource source = settings.keys();
        if (source instanceof JwtKeySource.Jwks jwks) {
            JwtJwks set = new JwtJwks(Objects.requireNonNull(vertx, "vertx"), jwks.url(), settings.jwksTimeout(),
                settings.jwksMinRefreshInterval(), settings.jwksMaxAge(), clock);
            this.keys = set::find;
            this.keysReady = set::ready;
            this.keysByKid = true;
        } else {
            Future<JwtKey> key = Future.succeededFuture(source instanceof JwtKeySource.HmacSecret secret
                ? JwtKey.hmac(secret.secret()) : JwtKey.of(((JwtKeySource.Public) source).key()));
            this.keys = kid -> key;
            this.keysReady = () -> Future.succeededFuture();
            this.keysByKid = false;
        }
        this.replays = settings.requireJti() ? new JwtReplayCache(settings.replayCacheSize(), clock) : null;
    }

    /** Ready once its key is at hand: at once for a secret or a public key; for a JWKS, a set within its age. */
    @Override
    public Future<Void> ready() {
        return keysReady.get();
    }

    @Override
    public String mode() {
        return "jwt";
    }

    @Override
    public Future<ExecGrant> authorize(HandshakeRequest request) {
        return verify(request, jwt -> JwtExecClaim.grant(jwt, settings.defaultContainer().orElse(null)));
    }

    /** The scope is the token's {@code events} claim, the subject its {@code sub}; an exec token is 403. */
    @Override
    public Future<WatchGrant> authorizeWatch(HandshakeRequest request) {
        return verify(request, JwtEventsClaim::grant);
    }

    private <G> Future<G> verify(HandshakeRequest request, Function<DecodedJWT, G> grantOf) {
        if (request.token().isEmpty()) {
            return refuse("no token");
        }
        String token = request.token().get();
        if (token.length() > MAX_TOKEN_CHARS) {
            return refuse("token too large");
        }
        DecodedJWT jwt;
        try {
            jwt = JWT.decode(token);
        } catch (JWTDecodeException | DateTimeException e) {
            // java-jwt turns an exp, nbf or iat beyond Instant's range (like 2^63-1) into a DateTimeException,
            // thrown before any signature check: anyone could send one.
            return refuse("malformed token");
        }
        if (keysByKid && jwt.getKeyId() == null) {
            return refuse("missing kid");
        }
        return keys.apply(jwt.getKeyId()).compose(key -> {
            try {
                return Future.succeededFuture(check(jwt, key, grantOf));
            } catch (AuthorizationException e) {
                return Future.failedFuture(e);
            }
        });
    }

    private <G> G check(DecodedJWT jwt, JwtKey key, Function<DecodedJWT, G> grantOf) {
        Algorithm algorithm = key.algorithm(jwt.getAlgorithm());
        if (algorithm == null) {
            throw new AuthorizationException(401, "algorithm not allowed: " + printable(jwt.getAlgorithm()));
        }
        DecodedJWT verified;
        try {
            verified = verifier(algorithm).verify(jwt);
        } catch (JWTVerificationException e) {
            throw new AuthorizationException(401, reason(e));
        }
        Instant expiresAt = verified.getExpiresAtAsInstant();
        if (expiresAt == null) {
            // java-jwt's presence check lets "exp": null through.
            throw new AuthorizationException(401, "missing exp");
        }
        if (expiresAt.isAfter(clock.instant().plus(settings.maxLifetime()).plus(settings.leeway()))) {
            throw new AuthorizationException(401, "lifetime too long (exp more than "
                + settings.maxLifetime().toSeconds() + " s away)");
        }
        G grant = grantOf.apply(verified);
        if (replays != null) {
            checkSingleUse(verified.getId(), expiresAt);
        }
        return grant;
    }

    private JWTVerifier verifier(Algorithm algorithm) {
        Verification verification = JWT.require(algorithm)
            .acceptLeeway(settings.leeway().toSeconds())
            .withClaimPresence(RegisteredClaims.EXPIRES_AT);
        settings.issuer().ifPresent(issuer -> verification.withIssuer(issuer));
        settings.audience().ifPresent(audience -> verification.withAudience(audience));
        // JWT.require returns a BaseVerification, the one type with build(Clock).
        return ((JWTVerifier.BaseVerification) verification).build(clock);
    }

    private void checkSingleUse(String jti, Instant expiresAt) {
        if (jti == null || jti.isEmpty()) {
            throw new AuthorizationException(401, "missing jti");
        }
        if (jti.length() > MAX_JTI_CHARS) {
            throw new AuthorizationException(401, "jti too long");
        }
        // Remember the jti as long as the verifier could accept the token: until exp plus the leeway. One more
        // second covers java-jwt versions that still accept a token at that very second.
        Instant until = expiresAt.plus(settings.leeway()).plusSeconds(1);
        switch (replays.record(jti, until)) {
            case FIRST_USE -> {
            }
            case REPLAYED -> throw new AuthorizationException(401, "replayed token");
            case FULL -> throw new AuthorizationException(503, "replay cache full");
        }
    }

    /** Returns the short reason for a java-jwt refusal; never its message, which may quote the token's parts. */
    private static String reason(JWTVerificationException e) {
        if (e instanceof TokenExpiredException) {
            return "expired";
        }
        if (e instanceof SignatureVerificationException) {
            return "bad signature";
        }
        if (e instanceof AlgorithmMismatchException) {
            return "algorithm not allowed";
        }
        if (e instanceof MissingClaimException missing) {
            return "missing " + missing.getClaimName();
        }
        if (e instanceof IncorrectClaimException incorrect) {
            return switch (incorrect.getClaimName()) {
                case RegisteredClaims.NOT_BEFORE -> "not yet valid";
                case RegisteredClaims.ISSUED_AT -> "issued in the future";
                case RegisteredClaims.AUDIENCE -> "wrong audience";
                case RegisteredClaims.ISSUER -> "wrong issuer";
                default -> "invalid claim: " + incorrect.getClaimName();
            };
        }
        if (e instanceof JWTDecodeException) {
            return "malformed token";
        }
        return "invalid token";
    }

    /** Returns {@code alg} if it looks like an algorithm name; the header is the sender's, so echo little of it. */
    private static String printable(String alg) {
        if (alg == null) {
            return "(none)";
        }
        return PRINTABLE_ALG.matcher(alg).matches() ? alg : "(unreadable)";
    }

    private static <G> Future<G> refuse(String reason) {
        return Future.failedFuture(new AuthorizationException(401, reason));
    }
}
