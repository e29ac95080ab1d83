package io.execbroker.broker.auth;

import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static io.execbroker.broker.auth.JwtFixtures.GRANT;
import static io.execbroker.broker.auth.JwtFixtures.Keys;
import static io.execbroker.broker.auth.JwtFixtures.NOW;
import static io.execbroker.broker.auth.JwtFixtures.SECRET;
import static io.execbroker.broker.auth.JwtFixtures.await;
import static io.execbroker.broker.auth.JwtFixtures.base64Url;
import static io.execbroker.broker.auth.JwtFixtures.pem;
import static io.execbroker.broker.auth.JwtFixtures.refusal;
import static io.execbroker.broker.auth.JwtFixtures.request;
import static io.execbroker.broker.auth.JwtFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

class JwtAuthorizerTest {
    private static final Algorithm HS256 = Algorithm.HMAC256(SECRET);

    private final JwtFixtures.MutableClock clock = new JwtFixtures.MutableClock(NOW);

    private JwtAuthorizer authorizer(JwtKeySource keys, UnaryOperator<JwtSettings.Builder> settings) {
        return new JwtAuthorizer(null, settings.apply(JwtSettings.builder(keys)).build(), clock);
    }

    private JwtAuthorizer hmac() {
        return authorizer(JwtKeySource.hmacSecret(SECRET), s -> s);
    }

    private static void assertRefused(Future<ExecGrant> result, int status, String reason) throws Exception {
        AuthorizationException refusal = refusal(result);
        assertThat(refusal.getMessage()).isEqualTo(reason);
        assertThat(refusal.status()).isEqualTo(status);
    }

    @Test
    void acceptsAValidHs256TokenAndReturnsItsGrant() throws Exception {
        ExecGrant grant = await(hmac().authorize(request(token().sign(HS256))));

        assertThat(grant.container()).isEqualTo("web-1");
        assertThat(grant.command()).containsExactly("/bin/sh", "-l");
        assertThat(grant.tty()).isTrue();
        assertThat(grant.subject()).contains("alice");
    }

    @Test
    void acceptsHs384AndHs512WithAnHmacSecret() throws Exception {
        JwtAuthorizer authorizer = hmac();

        assertThat(await(authorizer.authorize(request(token().sign(Algorithm.HMAC384(SECRET)))))).isNotNull();
        assertThat(await(authorizer.authorize(request(token().sign(Algorithm.HMAC512(SECRET)))))).isNotNull();
    }

    @Test
    void acceptsTheExecClaimAsJsonText() throws Exception {
        String token = token().withClaim("exec", "{\"container\":\"db\",\"command\":[\"psql\"]}").sign(HS256);

        ExecGrant grant = await(hmac().authorize(request(token)));

        assertThat(grant.container()).isEqualTo("db");
        assertThat(grant.command()).containsExactly("psql");
    }

    @Test
    void givesTheWsSubprocessFormTheDefaultContainer() throws Exception {
        JwtAuthorizer authorizer = authorizer(JwtKeySource.hmacSecret(SECRET), s -> s.defaultContainer("app"));
        String token = token().withClaim("exec", Map.of("command", "/usr/bin/nano", "args", List.of("-v")))
            .sign(HS256);

        ExecGrant grant = await(authorizer.authorize(request(token)));

        assertThat(grant.container()).isEqualTo("app");
        assertThat(grant.command()).containsExactly("/usr/bin/nano", "-v");
    }

    @Test
    void refusesAHandshakeWithoutTokenWith401() throws Exception {
        assertRefused(hmac().authorize(request(null)), 401, "no token");
    }

    @Test
    void rejectsMalformedToken() throws Exception {
        assertRefused(hmac().authorize(request("not-a-jwt")), 401, "malformed token");
        assertRefused(hmac().authorize(request("a.b.c")), 401, "malformed token");
        assertRefused(hmac().authorize(request("x".repeat(JwtAuthorizer.MAX_TOKEN_CHARS + 1))), 401,
            "token too large");
    }

    @Test
    void rejectsExpiredTokenWith401() throws Exception {
        String token = token().withExpiresAt(NOW.minusSeconds(31)).sign(HS256);

        assertRefused(hmac().authorize(request(token)), 401, "expired");
    }

    @Test
    void refusesATokenWhoseExpIsFurtherAwayThanTheMaximumLifetime() throws Exception {
        // A far-future exp would pin its jti in the replay cache, and live on if the token leaked.
        assertRefused(hmac().authorize(request(token().withExpiresAt(NOW.plus(Duration.ofDays(365 * 100))).sign(HS256))),
            401, "lifetime too long (exp more than 3600 s away)");
        assertRefused(hmac().authorize(request(token().withExpiresAt(NOW.plusSeconds(3600 + 31)).sign(HS256))), 401,
            "lifetime too long (exp more than 3600 s away)");
        assertThat(await(hmac().authorize(request(token().withExpiresAt(NOW.plusSeconds(3600 + 30)).sign(HS256)))))
            .as("within the lifetime and the leeway").isNotNull();
        assertRefused(authorizer(JwtKeySource.hmacSecret(SECRET), s -> s.maxLifetime(Duration.ofSeconds(60)))
            .authorize(request(token().sign(HS256))), 401, "lifetime too long (exp more than 60 s away)");
    }

    @Test
    void acceptsATokenExpiredWithinTheLeeway() throws Exception {
        String token = token().withExpiresAt(NOW.minusSeconds(29)).sign(HS256);

        assertThat(await(hmac().authorize(request(token)))).isNotNull();
        assertRefused(authorizer(JwtKeySource.hmacSecret(SECRET), s -> s.leeway(Duration.ZERO))
            .authorize(request(token().withExpiresAt(NOW.minusSeconds(1)).sign(HS256))), 401, "expired");
    }

    @Test
    void rejectsTokenNotYetValid() throws Exception {
        String token = token().withNotBefore(NOW.plusSeconds(31)).sign(HS256);

        assertRefused(hmac().authorize(request(token)), 401, "not yet valid");
    }

    @Test
    void rejectsTokenIssuedInTheFuture() throws Exception {
        String token = token().withIssuedAt(NOW.plusSeconds(31)).sign(HS256);

        assertRefused(hmac().authorize(request(token)), 401, "issued in the future");
    }

    @Test
    void rejectsWrongAudience() throws Exception {
        JwtAuthorizer authorizer = authorizer(JwtKeySource.hmacSecret(SECRET), s -> s.audience("broker-eu"));

        assertRefused(authorizer.authorize(request(token().withAudience("broker-us", "other").sign(HS256))), 401,
            "wrong audience");
        assertRefused(authorizer.authorize(request(token().sign(HS256))), 401, "missing aud");
        assertThat(await(authorizer.authorize(request(token().withAudience("other", "broker-eu").sign(HS256)))))
            .isNotNull();
    }

    @Test
    void rejectsWrongIssuer() throws Exception {
        JwtAuthorizer authorizer = authorizer(JwtKeySource.hmacSecret(SECRET), s -> s.issuer("https://app.example"));

        assertRefused(authorizer.authorize(request(token().withIssuer("https://evil.example").sign(HS256))), 401,
            "wrong issuer");
        assertRefused(authorizer.authorize(request(token().sign(HS256))), 401, "missing iss");
        assertThat(await(authorizer.authorize(request(token().withIssuer("https://app.example").sign(HS256)))))
            .isNotNull();
    }

    @Test
    void rejectsAlgNone() throws Exception {
        String payload = "{\"exec\":{\"container\":\"web-1\",\"command\":[\"sh\"]},\"exp\":"
            + NOW.plusSeconds(300).getEpochSecond() + ",\"jti\":\"none-1\"}";
        String unsigned = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64Url(payload) + ".";

        assertRefused(hmac().authorize(request(unsigned)), 401, "algorithm not allowed: none");
        assertRefused(authorizer(JwtKeySource.publicKey(Keys.RSA.getPublic()), s -> s).authorize(request(unsigned)),
            401, "algorithm not allowed: none");
    }

    @Test
    void rejectsAlgorithmConfusionHs256SignedWithTheRsaPublicKey() throws Exception {
        String pem = pem(Keys.RSA.getPublic());
        JwtAuthorizer authorizer = authorizer(JwtKeySource.publicKeyPem(pem), s -> s);

        assertRefused(authorizer.authorize(request(token().sign(Algorithm.HMAC256(pem)))), 401,
            "algorithm not allowed: HS256");
        assertRefused(authorizer.authorize(request(token().sign(Algorithm.HMAC256(Keys.RSA.getPublic().getEncoded())))),
            401, "algorithm not allowed: HS256");
    }

    @Test
    void rejectsBadSignature() throws Exception {
        String otherSecret = token().sign(Algorithm.HMAC256("another secret of at least 32 bytes!"));
        String[] parts = token().sign(HS256).split("\\.");
        String tampered = parts[0] + "." + base64Url("{\"exec\":{\"container\":\"root\",\"command\":[\"sh\"]},\"exp\":"
            + NOW.plusSeconds(300).getEpochSecond() + ",\"jti\":\"t-1\"}") + "." + parts[2];

        assertRefused(hmac().authorize(request(otherSecret)), 401, "bad signature");
        assertRefused(hmac().authorize(request(tampered)), 401, "bad signature");
    }

    @Test
    void rejectsReplayedJti() throws Exception {
        JwtAuthorizer authorizer = hmac();
        String token = token().withJWTId("once").sign(HS256);

        assertThat(await(authorizer.authorize(request(token)))).isNotNull();
        assertRefused(authorizer.authorize(request(token)), 401, "replayed token");
        assertRefused(authorizer.authorize(request(token().withJWTId("once").withSubject("other").sign(HS256))), 401,
            "replayed token");
    }

    @Test
    void acceptsAReusedTokenWhenSingleUseIsOff() throws Exception {
        JwtAuthorizer authorizer = authorizer(JwtKeySource.hmacSecret(SECRET), s -> s.requireJti(false));
        String token = token().withJWTId(null).sign(HS256);

        assertThat(await(authorizer.authorize(request(token)))).isNotNull();
        assertThat(await(authorizer.authorize(request(token)))).isNotNull();
    }

    @Test
    void rejectsMissingJtiWhenSingleUseIsOn() throws Exception {
        assertRefused(hmac().authorize(request(token().withJWTId(null).sign(HS256))), 401, "missing jti");
        assertRefused(hmac().authorize(request(token().withJWTId("j".repeat(257)).sign(HS256))), 401,
            "jti too long");
    }

    @Test
    void answers503WhenTheReplayCacheIsFullOfLiveTokens() throws Exception {
        JwtAuthorizer authorizer = authorizer(JwtKeySource.hmacSecret(SECRET), s -> s.replayCacheSize(1));
        assertThat(await(authorizer.authorize(request(token().sign(HS256))))).isNotNull();

        assertRefused(authorizer.authorize(request(token().sign(HS256))), 503, "replay cache full");

        clock.advance(Duration.ofMinutes(5).plusSeconds(31));
        assertThat(await(authorizer.authorize(request(token().withExpiresAt(NOW.plus(Duration.ofMinutes(10)))
            .sign(HS256))))).isNotNull();
    }

    @Test
    void rejectsMissingExp() throws Exception {
        assertRefused(hmac().authorize(request(token().withExpiresAt((Instant) null).sign(HS256))), 401,
            "missing exp");
        assertRefused(hmac().authorize(request(token().withNullClaim("exp").sign(HS256))), 401, "missing exp");
    }

    @Test
    void rejectsMissingOrInvalidExecClaimNamingTheField() throws Exception {
        JwtAuthorizer authorizer = hmac();

        assertRefused(authorizer.authorize(request(token().withClaim("exec", (String) null).sign(HS256))), 401,
            "missing exec claim");
        assertRefused(authorizer.authorize(request(token().withClaim("exec", Map.of("container", "web-1"))
            .sign(HS256))), 401, "invalid exec claim: command");
        assertRefused(authorizer.authorize(request(token().withClaim("exec", Map.of("container", "web-1",
            "command", List.of("sh"), "env", Map.of("A", 1))).sign(HS256))), 401, "invalid exec claim: env.A");
        assertRefused(authorizer.authorize(request(token().withClaim("exec", Map.of("command", List.of("sh")))
            .sign(HS256))), 401, "invalid exec claim: container");
        assertRefused(authorizer.authorize(request(token().withClaim("exec", "{not json").sign(HS256))), 401,
            "invalid exec claim: not a grant");
        assertRefused(authorizer.authorize(request(token().withClaim("exec", 42).sign(HS256))), 401,
            "invalid exec claim: not an object");
    }

    @Test
    void refusalMessagesNeverContainTheToken() throws Exception {
        JwtAuthorizer authorizer = authorizer(JwtKeySource.hmacSecret(SECRET),
            s -> s.issuer("https://app.example").audience("broker").replayCacheSize(2));
        UnaryOperator<JWTCreator.Builder> valid = b -> b.withIssuer("https://app.example").withAudience("broker");
        String used = valid.apply(token()).sign(HS256);
        await(authorizer.authorize(request(used)));
        await(authorizer.authorize(request(valid.apply(token()).sign(HS256))));
        List<String> refused = List.of(
            "not-a-jwt",
            base64Url("{\"alg\":\"none\"}") + "." + base64Url("{\"exp\":1}") + ".",
            valid.apply(token()).sign(Algorithm.HMAC512(SECRET)).replaceFirst("\\.[^.]*$", ".AAAA"),
            valid.apply(token()).sign(Algorithm.HMAC256("another secret of at least 32 bytes!")),
            valid.apply(token()).withExpiresAt(NOW.minusSeconds(3600)).sign(HS256),
            valid.apply(token()).withNotBefore(NOW.plusSeconds(3600)).sign(HS256),
            valid.apply(token()).withIssuedAt(NOW.plusSeconds(3600)).sign(HS256),
            valid.apply(token()).withAudience("other").sign(HS256),
            valid.apply(token()).withIssuer("https://evil.example").sign(HS256),
            valid.apply(token()).withExpiresAt((Instant) null).sign(HS256),
            valid.apply(token()).withJWTId(null).sign(HS256),
            valid.apply(token()).withClaim("exec", (String) null).sign(HS256),
            valid.apply(token()).withClaim("exec", Map.of("container", "web-1", "command", List.of("sh"),
                "workdir", "relative/dir")).sign(HS256),
            used,
            valid.apply(token()).sign(HS256));

        List<String> reasons = new ArrayList<>();
        for (String token : refused) {
            String message = refusal(authorizer.authorize(request(token))).getMessage();
            reasons.add(message);
            assertThat(message).as("refusal of %s", token).doesNotContain(token).hasSizeLessThan(64);
            for (String part : token.split("\\.")) {
                if (!part.isEmpty()) {
                    assertThat(message).as("refusal of %s", token).doesNotContain(part);
                }
            }
        }
        assertThat(reasons).containsExactly("malformed token", "algorithm not allowed: none", "bad signature",
            "bad signature", "expired", "not yet valid", "issued in the future", "wrong audience", "wrong issuer",
            "missing exp", "missing jti", "missing exec claim", "invalid exec claim: workdir", "replayed token",
            "replay cache full");
    }

    @Test
    void rsaKeyAllowsOnlyRsAlgorithms() throws Exception {
        JwtAuthorizer authorizer = authorizer(JwtKeySource.publicKeyPem(pem(Keys.RSA.getPublic())), s -> s);
        RSAPrivateKey rsa = (RSAPrivateKey) Keys.RSA.getPrivate();

        assertThat(await(authorizer.authorize(request(token().sign(Algorithm.RSA256(null, rsa)))))).isNotNull();
        assertThat(await(authorizer.authorize(request(token().sign(Algorithm.RSA384(null, rsa)))))).isNotNull();
        assertThat(await(authorizer.authorize(request(token().sign(Algorithm.RSA512(null, rsa)))))).isNotNull();
        assertRefused(authorizer.authorize(request(token().sign(Algorithm.ECDSA256(null,
            (ECPrivateKey) Keys.P256.getPrivate())))), 401, "algorithm not allowed: ES256");
        assertRefused(authorizer.authorize(request(token().sign(Algorithm.RSA256(null,
            (RSAPrivateKey) Keys.RSA_OTHER.getPrivate())))), 401, "bad signature");
    }

    @Test
    void ecKeyAllowsOnlyItsCurvesAlgorithm() throws Exception {
        JwtAuthorizer p256 = authorizer(JwtKeySource.publicKeyPem(pem(Keys.P256.getPublic())), s -> s);
        JwtAuthorizer p384 = authorizer(JwtKeySource.publicKey(Keys.P384.getPublic()), s -> s);
        JwtAuthorizer p521 = authorizer(JwtKeySource.publicKey(Keys.P521.getPublic()), s -> s);
        Algorithm es256 = Algorithm.ECDSA256(null, (ECPrivateKey) Keys.P256.getPrivate());
        Algorithm es384 = Algorithm.ECDSA384(null, (ECPrivateKey) Keys.P384.getPrivate());
        Algorithm es512 = Algorithm.ECDSA512(null, (ECPrivateKey) Keys.P521.getPrivate());

        assertThat(await(p256.authorize(request(token().sign(es256))))).isNotNull();
        assertThat(await(p384.authorize(request(token().sign(es384))))).isNotNull();
        assertThat(await(p521.authorize(request(token().sign(es512))))).isNotNull();
        assertRefused(p256.authorize(request(token().sign(es384))), 401, "algorithm not allowed: ES384");
        assertRefused(p384.authorize(request(token().sign(es256))), 401, "algorithm not allowed: ES256");
        assertRefused(p256.authorize(request(token().sign(Algorithm.HMAC256(Keys.P256.getPublic().getEncoded())))),
            401, "algorithm not allowed: HS256");
        assertRefused(p256.authorize(request(token().sign(Algorithm.RSA256(null,
            (RSAPrivateKey) Keys.RSA.getPrivate())))), 401, "algorithm not allowed: RS256");
    }

    @Test
    void neverEchoesAnUnreadableAlgorithm() throws Exception {
        String header = base64Url("{\"alg\":\"" + "HS256\\u0000<script>" + "\",\"typ\":\"JWT\"}");
        String token = header + "." + base64Url("{\"exec\":" + "{}" + "}") + "."
            + base64Url(new String(new byte[32], StandardCharsets.ISO_8859_1));

        assertRefused(hmac().authorize(request(token)), 401, "algorithm not allowed: (unreadable)");
    }

    @Test
    void aWatchTokenCarriesItsScopeInTheEventsClaimAndItsSubjectInSub() throws Exception {
        String token = token().withClaim("exec", (String) null).withSubject("alice")
            .withClaim("events", java.util.Map.of("containers", java.util.List.of("web-*"), "types",
                java.util.List.of("container", "image"))).sign(HS256);
        io.execbroker.protocol.grant.WatchGrant grant = await(hmac().authorizeWatch(request(token)));
        assertThat(grant.subject()).contains("alice");
        assertThat(grant.scope().containers()).containsExactly("web-*");
        assertThat(grant.scope().types()).containsExactly("container", "image");
    }

    @Test
    void anExecTokenDoesNotAllowWatchingAndAWatchTokenDoesNotAllowExec() throws Exception {
        AuthorizationException watch = refusal(hmac().authorizeWatch(request(token().sign(HS256))));
        assertThat(watch.status()).isEqualTo(403);
        assertThat(watch.getMessage()).isEqualTo("an exec token does not allow watching events");
        String watchToken = token().withClaim("exec", (String) null)
            .withClaim("events", "{\"containers\":[\"*\"]}").sign(HS256);
        assertRefused(hmac().authorize(request(watchToken)), 403, "a watch token does not allow exec");
    }

    @Test
    void aTokenWithBothClaimsAndAnInvalidScopeAreRefused() throws Exception {
        String both = token().withClaim("events", "{\"containers\":[\"*\"]}").sign(HS256);
        assertRefused(hmac().authorize(request(both)), 401, "both exec and events claims (expected: one)");
        String bad = token().withClaim("exec", (String) null).withClaim("events", "{\"labels\":[\"name=x\"]}").sign(HS256);
        AuthorizationException refused = refusal(hmac().authorizeWatch(request(bad)));
        assertThat(refused.getMessage()).isEqualTo("invalid events claim: events.labels[0]");
    }

    @Test
    void aTimeClaimBeyondInstantsRangeIsAMalformedToken() throws Exception {
        // Found by JwtAuthorizerFuzzTest: java-jwt threw a DateTimeException out of authorize(), before any check.
        String token = base64Url("{\"alg\":\"HS256\"}") + "." + base64Url("{\"exp\":9223372036854775807}") + ".x";
        assertRefused(hmac().authorize(request(token)), 401, "malformed token");
    }

    @Test
    void aWatchGrantInTheExecClaimIsAnInvalidExecClaim() throws Exception {
        // Found by JwtAuthorizerFuzzTest: the GrantPurposeException escaped as a failure of another type.
        String token = token().withClaim("exec", Map.of("events", Map.of("containers", List.of("*")))).sign(HS256);
        assertRefused(hmac().authorize(request(token)), 401,
            "invalid exec claim: events (a watch grant, expected: an exec grant)");
    }
}
