package io.execbroker.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.client.ExecClientException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JWT mode on a real broker: a signed exec grant runs; a replayed or expired token runs nothing. */
class JwtModeIT {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.UTF_8);
    private static BrokerHarness broker;

    @BeforeAll
    static void start() throws Exception {
        JwtAuthorizer authorizer = new JwtAuthorizer(null, JwtSettings.builder(JwtKeySource.hmacSecret(SECRET))
            .audience("exec-broker-test").build(), Clock.systemUTC());
        broker = BrokerHarness.start(BrokerSettings.defaults().withHandshake(BrokerHarness.LENIENT_HANDSHAKES), authorizer);
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    private static String token(List<String> argv, Instant expires) {
        return JWT.create().withAudience("exec-broker-test").withExpiresAt(expires).withJWTId(UUID.randomUUID().toString())
            .withClaim("exec", Map.of("container", "servertest", "command", argv, "subject", "jwt-user"))
            .sign(Algorithm.HMAC256(SECRET));
    }

    private static ExecClient connect(String token) {
        return ExecClient.connect(broker.uri(), ExecClient.Options.defaults().token(token).tokenInSubprotocol(true))
            .orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void signedGrantRunsItsCommand() {
        ExecClient client = connect(token(List.of("sh", "-c", "exit 6"), Instant.now().plusSeconds(60)));
        assertThat(client.exitCode().orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo(6);
    }

    @Test
    void replayedTokenIs401AndRunsNothing() {
        String duration = ContainerProcesses.uniqueSleep();
        String once = token(List.of("sh", "-c", "exit 0"), Instant.now().plusSeconds(60));
        assertThat(connect(once).exitCode().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
        assertRefused(once, 401);
        String sleeper = token(List.of("sleep", duration), Instant.now().minusSeconds(120));
        assertRefused(sleeper, 401);
        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + duration)).isFalse();
    }

    private static void assertRefused(String token, int status) {
        Assertions.assertThatThrownBy(() -> connect(token)).isInstanceOf(CompletionException.class)
            .cause().isInstanceOfSatisfying(ExecClientException.class, e -> assertThat(e.httpStatus()).isEqualTo(status));
    }
}
