package io.execbroker.broker.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Keys, tokens and a clock for the JWT tests. Keys are generated once per JVM: RSA generation is slow. */
final class JwtFixtures {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Map<String, Object> GRANT = Map.of("container", "web-1", "command", List.of("/bin/sh", "-l"),
        "tty", true, "subject", "alice");

    private static final AtomicInteger JTI = new AtomicInteger();

    private JwtFixtures() {
    }

    /** Generated keys, made on first use. */
    static final class Keys {
        static final KeyPair RSA = generate("RSA", null);
        static final KeyPair RSA_OTHER = generate("RSA", null);
        static final KeyPair P256 = generate("EC", "secp256r1");
        static final KeyPair P384 = generate("EC", "secp384r1");
        static final KeyPair P521 = generate("EC", "secp521r1");

        private Keys() {
        }

        private static KeyPair generate(String algorithm, String curve) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
                if (curve == null) {
                    generator.initialize(2048);
                } else {
                    generator.initialize(new ECGenParameterSpec(curve));
                }
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Returns a token builder with a grant, {@code iat} now, {@code exp} in 5 minutes and a fresh {@code jti}. */
    static JWTCreator.Builder token() {
        return JWT.create()
            .withClaim("exec", GRANT)
            .withIssuedAt(NOW)
            .withExpiresAt(NOW.plus(Duration.ofMinutes(5)))
            .withJWTId("jti-" + JTI.incrementAndGet());
    }

    static HandshakeRequest request(String token) {
        return new HandshakeRequest(Optional.ofNullable(token), List.of(), Optional.empty(), "127.0.0.1",
            Optional.empty(), Optional.empty());
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    }

    static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Returns the refusal that failed {@code future}, which must fail with one. */
    static AuthorizationException refusal(Future<?> future) throws Exception {
        try {
            Object result = await(future);
            return fail("expected a refusal, got " + result);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(AuthorizationException.class);
            return (AuthorizationException) e.getCause();
        }
    }

    /** A clock the test moves by hand; thread safe. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
