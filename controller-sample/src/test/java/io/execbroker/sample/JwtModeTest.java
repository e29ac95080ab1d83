package io.execbroker.sample;

import static io.execbroker.sample.SampleFixture.ALICE_PASSWORD;
import static io.execbroker.sample.SampleFixture.await;
import static io.execbroker.sample.SampleFixture.requestToken;
import static io.execbroker.sample.SampleFixture.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtModeTest {
    @TempDir
    Path dataDir;
    SampleFixture app;

    @BeforeEach
    void start() {
        app = new SampleFixture(dataDir, true);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void issuesAJwtThatVerifiesAgainstTheServedJwksAndCarriesTheExecClaim() throws Exception {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);
        String token = requestToken(browser, csrf, new JsonObject().put("grantIndex", 0)).bodyAsJsonObject()
            .getString("token");
        JsonObject jwk = await(app.client.get("/.well-known/jwks.json").send()).bodyAsJsonObject()
            .getJsonArray("keys").getJsonObject(0);
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
            unsigned(jwk.getString("n")), unsigned(jwk.getString("e"))));

        DecodedJWT jwt = ((JWTVerifier.BaseVerification) JWT.require(Algorithm.RSA256(key, null))
            .withAudience("test-broker").withIssuer("sample").withSubject("alice")).build(app.clock).verify(token);

        assertThat(jwt.getKeyId()).isEqualTo(jwk.getString("kid"));
        assertThat(jwk.getString("alg")).isEqualTo("RS256");
        assertThat(jwt.getId()).hasSizeGreaterThanOrEqualTo(22);
        assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(SampleFixture.START.plusSeconds(30));
        assertThat(jwt.getClaim("exec").asMap()).isEqualTo(Map.of("container", "servertest",
            "command", List.of("/bin/sh"), "tty", true, "subject", "alice"));
    }

    @Test
    void issuesAWatchJwtWithTheEventsClaimOfTheUsersContainersAndNoExecClaim() {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> response = requestToken(browser, csrf, new JsonObject().put("purpose", "events"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("eventsUrl")).isEqualTo("ws://127.0.0.1:8866/events");
        DecodedJWT jwt = JWT.decode(response.bodyAsJsonObject().getString("token"));
        assertThat(jwt.getClaim("events").asMap()).isEqualTo(Map.of("containers", List.of("servertest"),
            "types", List.of("container")));
        assertThat(jwt.getClaim("exec").isMissing()).isTrue();
        assertThat(jwt.getSubject()).isEqualTo("alice");
        assertThat(jwt.getAudience()).containsExactly("test-broker");
        assertThat(jwt.getIssuer()).isEqualTo("sample");
        assertThat(jwt.getId()).hasSizeGreaterThanOrEqualTo(22);
        assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(SampleFixture.START.plusSeconds(30));
    }

    @Test
    void givesEachJwtItsOwnJti() {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> first = requestToken(browser, csrf, new JsonObject().put("grantIndex", 0));
        HttpResponse<Buffer> second = requestToken(browser, csrf, new JsonObject().put("grantIndex", 0));

        assertThat(JWT.decode(first.bodyAsJsonObject().getString("token")).getId())
            .isNotEqualTo(JWT.decode(second.bodyAsJsonObject().getString("token")).getId());
    }

    @Test
    void hasNoControllerEndpoint() {
        assertThat(await(app.client.get("/controller").addQueryParam("token", "x").send()).statusCode())
            .isEqualTo(404);
    }

    private static BigInteger unsigned(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }

}
