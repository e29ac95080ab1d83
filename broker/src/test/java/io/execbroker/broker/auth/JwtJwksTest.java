package io.execbroker.broker.auth;

import com.auth0.jwt.algorithms.Algorithm;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.execbroker.broker.auth.JwtFixtures.Keys;
import static io.execbroker.broker.auth.JwtFixtures.NOW;
import static io.execbroker.broker.auth.JwtFixtures.SECRET;
import static io.execbroker.broker.auth.JwtFixtures.await;
import static io.execbroker.broker.auth.JwtFixtures.refusal;
import static io.execbroker.broker.auth.JwtFixtures.request;
import static io.execbroker.broker.auth.JwtFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** JWKS mode against a real key server: a Vert.x HTTP server on a free port that counts its fetches. */
class JwtJwksTest {
    private static final Algorithm RS256 = Algorithm.RSA256(null, (RSAPrivateKey) Keys.RSA.getPrivate());
    private static final Algorithm RS256_OTHER = Algorithm.RSA256(null, (RSAPrivateKey) Keys.RSA_OTHER.getPrivate());

    private final JwtFixtures.MutableClock clock = new JwtFixtures.MutableClock(NOW);
    private final AtomicInteger fetches = new AtomicInteger();
    private final Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
    private volatile String jwks = keySet(rsaJwk("k1", Keys.RSA));
    private volatile int status = 200;
    private volatile boolean hold;

    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void startKeyServer() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(100)
            .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
        server = await(vertx.createHttpServer().requestHandler(request -> {
            fetches.incrementAndGet();
            if (hold) {
                held.add(request);
                return;
            }
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(jwks);
        }).listen(0, "127.0.0.1"));
    }

    @AfterEach
    void stopKeyServer() throws Exception {
        await(vertx.close());
    }

    private JwtAuthorizer authorizer(UnaryOperator<JwtSettings.Builder> settings) {
        URI url = URI.create("http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json");
        return new JwtAuthorizer(vertx, settings.apply(JwtSettings.builder(JwtKeySource.jwks(url))).build(), clock);
    }

    private static void assertRefused(Future<ExecGrant> result, int status, String reason) throws Exception {
        AuthorizationException refusal = refusal(result);
        assertThat(refusal.getMessage()).isEqualTo(reason);
        assertThat(refusal.status()).isEqualTo(status);
    }

    @Test
    void fetchesJwksByKidAndRefreshesOnUnknownKid() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s);

        assertThat(await(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))))).isNotNull();
        assertThat(await(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))))).isNotNull();
        assertThat(fetches).hasValue(1);

        jwks = keySet(rsaJwk("k2", Keys.RSA_OTHER));
        assertRefused(authorizer.authorize(request(token().withKeyId("k2").sign(RS256_OTHER))), 401, "unknown kid");
        for (int i = 0; i < 100; i++) {
            assertRefused(authorizer.authorize(request(token().withKeyId("random-" + i).sign(RS256))), 401,
                "unknown kid");
        }
        assertThat(fetches).as("no fetch within the minimum refresh interval").hasValue(1);

        clock.advance(Duration.ofSeconds(10));
        assertThat(await(authorizer.authorize(request(token().withKeyId("k2").sign(RS256_OTHER))))).isNotNull();
        assertThat(fetches).hasValue(2);
        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 401, "unknown kid");
        assertThat(fetches).as("k1 left the set; asking again waits for the interval").hasValue(2);

        clock.advance(Duration.ofSeconds(10));
        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 401, "unknown kid");
        assertThat(fetches).hasValue(3);
    }

    @Test
    void aKeyRemovedFromTheSetStopsBeingAcceptedWithinTheMaxAge() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s.jwksMaxAge(Duration.ofSeconds(60)));
        assertThat(await(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))))).isNotNull();
        jwks = keySet(rsaJwk("k2", Keys.RSA_OTHER));

        clock.advance(Duration.ofSeconds(29));
        assertThat(await(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))))).isNotNull();
        assertThat(fetches).as("keys younger than half the max age are used as they are").hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        assertThat(await(authorizer.authorize(request(token().withKeyId("k1").sign(RS256)))))
            .as("answered from the cache while the refresh runs").isNotNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertRefused(
            authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 401, "unknown kid"));
        assertThat(fetches).as("one refresh in the background").hasValue(2);
        assertThat(await(authorizer.authorize(request(token().withKeyId("k2").sign(RS256_OTHER))))).isNotNull();
    }

    @Test
    void expiredKeysAreNeverUsedWhenTheKeySetCannotBeFetched() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s.jwksMaxAge(Duration.ofSeconds(60)));
        assertThat(await(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))))).isNotNull();
        status = 500;

        clock.advance(Duration.ofSeconds(61));
        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 503, "key set unavailable");
        assertThat(fetches).hasValue(2);
        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 503, "key set unavailable");
        assertThat(fetches).as("no fetch within the minimum refresh interval").hasValue(2);

        status = 200;
        clock.advance(Duration.ofSeconds(10));
        assertThat(await(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))))).isNotNull();
        assertThat(fetches).hasValue(3);
    }

    @Test
    void aRedirectFromTheKeySetServerIs502AndItsLocationIsNeverFetched() throws Exception {
        AtomicInteger elsewhere = new AtomicInteger();
        HttpServer other = await(vertx.createHttpServer().requestHandler(request -> {
            elsewhere.incrementAndGet();
            request.response().putHeader("Content-Type", "application/json").end(jwks);
        }).listen(0, "127.0.0.1"));
        HttpServer redirecting = await(vertx.createHttpServer().requestHandler(request -> request.response()
            .setStatusCode(302).putHeader("Location", "http://127.0.0.1:" + other.actualPort() + "/jwks").end())
            .listen(0, "127.0.0.1"));
        URI url = URI.create("http://127.0.0.1:" + redirecting.actualPort() + "/.well-known/jwks.json");
        JwtAuthorizer authorizer = new JwtAuthorizer(vertx, JwtSettings.builder(JwtKeySource.jwks(url)).build(), clock);

        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 502,
            "the key set server answered a redirect (302), which the broker does not follow");
        assertThat(elsewhere).hasValue(0);
    }

    @Test
    void oneFetchServesConcurrentRequestsForAnUnknownKid() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s);
        hold = true;

        Future<ExecGrant> first = authorizer.authorize(request(token().withKeyId("k1").sign(RS256)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(held).hasSize(1));
        Future<ExecGrant> second = authorizer.authorize(request(token().withKeyId("k1").sign(RS256)));
        Future<ExecGrant> unknown = authorizer.authorize(request(token().withKeyId("k9").sign(RS256)));
        assertThat(first.isComplete() || second.isComplete() || unknown.isComplete()).isFalse();

        held.remove().response().putHeader("Content-Type", "application/json").end(jwks);

        assertThat(await(first)).isNotNull();
        assertThat(await(second)).isNotNull();
        assertRefused(unknown, 401, "unknown kid");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void answersOnTheCallersContext() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s);
        Context context = vertx.getOrCreateContext();
        Promise<Boolean> onContext = Promise.promise();

        context.runOnContext(v -> authorizer.authorize(request(token().withKeyId("k1").sign(RS256)))
            .onComplete((grant, failure) -> onContext.complete(grant != null && Vertx.currentContext() == context)));

        assertThat(await(onContext.future())).isTrue();
    }

    @Test
    void answers503WhileTheKeySetIsUnavailable() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s);
        status = 500;

        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 503, "key set unavailable");
        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 503, "key set unavailable");
        assertThat(fetches).hasValue(1);

        status = 200;
        clock.advance(Duration.ofSeconds(10));
        assertThat(await(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))))).isNotNull();
        assertThat(fetches).hasValue(2);
    }

    @Test
    void answers503WhenTheKeySetDoesNotAnswerInTime() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s.jwksTimeout(Duration.ofMillis(200)));
        hold = true;

        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 503, "key set unavailable");
    }

    @Test
    void answers503WhenTheKeySetIsTooLarge() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s);
        char[] padding = new char[JwtJwks.MAX_BODY_BYTES];
        Arrays.fill(padding, 'x');
        jwks = new JsonObject(jwks).put("padding", new String(padding)).encode();

        assertRefused(authorizer.authorize(request(token().withKeyId("k1").sign(RS256))), 503, "key set unavailable");
    }

    @Test
    void verifiesEcKeysAndHonoursTheAlgOfAJwk() throws Exception {
        jwks = keySet(ecJwk("e1", (ECPublicKey) Keys.P256.getPublic(), "P-256", 32),
            rsaJwk("r1", Keys.RSA).put("alg", "RS256"));
        JwtAuthorizer authorizer = authorizer(s -> s);
        Algorithm es256 = Algorithm.ECDSA256(null, (ECPrivateKey) Keys.P256.getPrivate());
        RSAPrivateKey rsa = (RSAPrivateKey) Keys.RSA.getPrivate();

        assertThat(await(authorizer.authorize(request(token().withKeyId("e1").sign(es256))))).isNotNull();
        assertThat(await(authorizer.authorize(request(token().withKeyId("r1").sign(RS256))))).isNotNull();
        assertRefused(authorizer.authorize(request(token().withKeyId("r1").sign(Algorithm.RSA512(null, rsa)))), 401,
            "algorithm not allowed: RS512");
        assertRefused(authorizer.authorize(request(token().withKeyId("e1").sign(RS256))), 401,
            "algorithm not allowed: RS256");
    }

    @Test
    void neverTrustsSymmetricKeysFromTheKeySet() throws Exception {
        jwks = keySet(new JsonObject().put("kty", "oct").put("kid", "h").put("k", base64Url(SECRET)),
            rsaJwk("r1", Keys.RSA).put("alg", "HS256"));
        JwtAuthorizer authorizer = authorizer(s -> s);

        assertRefused(authorizer.authorize(request(token().withKeyId("h").sign(Algorithm.HMAC256(SECRET)))), 401,
            "unknown kid");
        assertRefused(authorizer.authorize(request(token().withKeyId("r1").sign(RS256))), 401, "unknown kid");
    }

    @Test
    void rejectsATokenWithoutKid() throws Exception {
        assertRefused(authorizer(s -> s).authorize(request(token().sign(RS256))), 401, "missing kid");
        assertThat(fetches).hasValue(0);
    }

    private static String keySet(JsonObject... keys) {
        return new JsonObject().put("keys", new JsonArray(Arrays.asList((Object[]) keys))).encode();
    }

    private static JsonObject rsaJwk(String kid, KeyPair pair) {
        RSAPublicKey key = (RSAPublicKey) pair.getPublic();
        return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig")
            .put("n", base64Url(unsigned(key.getModulus(), 0)))
            .put("e", base64Url(unsigned(key.getPublicExponent(), 0)));
    }

    private static JsonObject ecJwk(String kid, ECPublicKey key, String crv, int size) {
        return new JsonObject().put("kty", "EC").put("kid", kid).put("crv", crv)
            .put("x", base64Url(unsigned(key.getW().getAffineX(), size)))
            .put("y", base64Url(unsigned(key.getW().getAffineY(), size)));
    }

    /** Returns the big-endian bytes of {@code value} without a sign byte, left-padded to {@code size} if given. */
    private static byte[] unsigned(BigInteger value, int size) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (bytes.length >= size) {
            return bytes;
        }
        byte[] padded = new byte[size];
        System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
        return padded;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void readyOnceAKeySetWithinItsAgeIsHeldAndNotWhileNoneCanBeFetched() throws Exception {
        JwtAuthorizer authorizer = authorizer(s -> s.jwksMaxAge(Duration.ofSeconds(60)));
        status = 500;
        assertThat(refusal(authorizer.ready()).status()).isEqualTo(503);
        assertThat(refusal(authorizer.ready()).getMessage()).as("no second fetch within 10 s").isEqualTo("key set unavailable");
        assertThat(fetches).hasValue(1);

        status = 200;
        clock.advance(Duration.ofSeconds(10));
        await(authorizer.ready());
        await(authorizer.ready());
        assertThat(fetches).as("a held key set is ready without a fetch").hasValue(2);

        status = 500;
        clock.advance(Duration.ofSeconds(61));
        assertThat(refusal(authorizer.ready()).status()).as("past its age, with none to be had").isEqualTo(503);
    }
}
