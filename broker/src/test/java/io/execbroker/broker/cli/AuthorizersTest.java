package io.execbroker.broker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.config.BrokerConfig;
import io.execbroker.broker.config.ConfigValues;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The authorizer {@code serve} builds from its configuration: in JWT mode, tokens bound to this broker's id. */
class AuthorizersTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final Vertx vertx = Vertx.vertx();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Authorizer broker(Map<String, String> extra) throws Exception {
        Path secret = Files.writeString(dir.resolve("hmac"), SECRET + "\n");
        Map<String, String> flags = new HashMap<>(Map.of("jwt.secretFile", secret.toString()));
        flags.putAll(extra);
        return Authorizers.create(vertx, BrokerConfig.from(ConfigValues.load(Optional.empty(), Map.of(), flags)));
    }

    private static String token(String... audience) {
        var builder = JWT.create().withClaim("exec", Map.of("container", "web-1", "command", List.of("ps")))
            .withExpiresAt(Instant.now().plus(Duration.ofMinutes(2))).withJWTId(UUID.randomUUID().toString());
        if (audience.length > 0) {
            builder.withAudience(audience);
        }
        return builder.sign(Algorithm.HMAC256(SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    private static Future<ExecGrant> ask(Authorizer authorizer, String token) {
        return authorizer.authorize(new HandshakeRequest(Optional.of(token), List.of(), Optional.empty(), "127.0.0.1",
            Optional.empty(), Optional.empty()));
    }

    private static void assertRefused401(Future<ExecGrant> future, String reason) {
        assertThatThrownBy(() -> future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).cause()
            .isInstanceOfSatisfying(AuthorizationException.class, e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.getMessage()).contains(reason);
            });
    }

    @Test
    void aTokenMintedForBrokerAIsRefusedByBrokerBAndOneWithoutAnAudienceByBoth() throws Exception {
        Authorizer hostA = broker(Map.of("broker.id", "host-a"));
        Authorizer hostB = broker(Map.of("broker.id", "host-b"));
        String forA = token("host-a");

        assertRefused401(ask(hostB, forA), "audience");
        assertThat(ask(hostA, forA).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).container())
            .isEqualTo("web-1");
        assertRefused401(ask(hostA, token()), "missing aud");
    }

    @Test
    void aFleetAudienceIsTakenByEveryBrokerConfiguredWithIt() throws Exception {
        Authorizer hostA = broker(Map.of("broker.id", "host-a", "jwt.audience", "fleet-1"));
        Authorizer hostB = broker(Map.of("broker.id", "host-b", "jwt.audience", "fleet-1"));
        String fleet = token("fleet-1");

        // Each broker keeps its own record of used jti values: the same token runs once on each (hence the warning).
        assertThat(ask(hostA, fleet).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(ask(hostB, fleet).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isNotNull();
        assertRefused401(ask(hostA, fleet), "replayed");
        assertRefused401(ask(hostA, token("host-a")), "audience");
    }
}
