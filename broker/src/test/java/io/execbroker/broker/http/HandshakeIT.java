package io.execbroker.broker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.HandshakeSettings;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.policy.PolicyRules;
import io.execbroker.broker.policy.TtyRule;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The checks before the upgrade, on a real broker: each refusal is an exact status, and nothing runs. */
class HandshakeIT {
    private static final String TOKEN = "token-for-alice";
    /** Grants the requested command to alice, for {@link #TOKEN} only. */
    private static final Authorizer ALICE = request -> request.token().filter(TOKEN::equals).isEmpty()
        ? Future.failedFuture(new AuthorizationException(401, "bad token"))
        : Future.succeededFuture(ExecGrant.builder(DockerFixture.CONTAINER, request.requestedCommand())
            .subject("alice").build());

    private BrokerHarness broker;

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private void start(HandshakeSettings handshake) throws Exception {
        broker = BrokerHarness.start(BrokerSettings.defaults().withLimits(SessionLimits.DEFAULTS).withHandshake(handshake),
            ALICE);
    }

    @Test
    void foreignOriginIsRefusedWith403EvenWithAValidToken() throws Exception {
        start(BrokerHarness.LENIENT_HANDSHAKES.withAllowedOrigins(Set.of("https://app.example")));
        String duration = ContainerProcesses.uniqueSleep();
        String response = raw("/exec?command=sleep&command=" + duration, "Authorization: Bearer " + TOKEN,
            "Origin: https://evil.example");
        assertThat(response).startsWith("HTTP/1.1 403 ").contains("{\"error\":\"origin not allowed\"}");
        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + duration)).isFalse();
    }

    /**
     * A client that stalls in its request headers (slowloris) is closed once nothing has moved for
     * {@code limits.handshakeIdleSeconds}, without reaching the authorizer; a session, once upgraded, is no longer
     * held to that bound: its own (pings, the idle timeout) apply.
     */
    @Test
    void aRequestStalledInItsHeadersIsClosedAtTheBoundAndAnUpgradedSessionIsNotHeldToIt() throws Exception {
        java.time.Duration bound = java.time.Duration.ofSeconds(2);
        start(BrokerHarness.LENIENT_HANDSHAKES.withIdleBeforeUpgrade(bound));
        ExecClient quiet = broker.connect(ExecClient.Options.defaults().token(TOKEN).command(List.of("cat")));
        quiet.started().get(30, TimeUnit.SECONDS);
        long began = System.nanoTime();
        try (java.net.Socket stalled = new java.net.Socket("127.0.0.1", broker.port())) {
            stalled.getOutputStream().write(("GET /exec?command=true HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + "Bearer " + TOKEN + "\r\n").getBytes(StandardCharsets.US_ASCII));
            stalled.setSoTimeout(20_000);
            int read;
            try {
                read = stalled.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            assertThat(read).as("the stalled connection is closed, not answered").isEqualTo(-1);
            assertThat(millis).isBetween(bound.toMillis() - 100, bound.toMillis() + 3_000);
        }
        // The session saw no byte for longer than the handshake's bound, and goes on.
        quiet.stdin().write("still here\n".getBytes(StandardCharsets.UTF_8));
        quiet.stdin().close();
        assertThat(new String(quiet.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("still here\n");
        assertThat(quiet.exitCode().get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void allowedOriginGetsItsSession() throws Exception {
        start(BrokerHarness.LENIENT_HANDSHAKES.withAllowedOrigins(Set.of("https://app.example")));
        String response = raw("/exec?command=true", "Authorization: Bearer " + TOKEN, "Origin: https://app.example");
        assertThat(response).startsWith("HTTP/1.1 101 ");
    }

    @Test
    void missingOrWrongTokenIsRefusedWith401() throws Exception {
        start(BrokerHarness.LENIENT_HANDSHAKES);
        assertThat(raw("/exec?command=true")).startsWith("HTTP/1.1 401 ").contains("bad token");
        assertThat(raw("/exec?command=true", "Authorization: Bearer nope")).startsWith("HTTP/1.1 401 ");
    }

    @Test
    void tokenSubprotocolWorksAndIsNeverEchoed() throws Exception {
        start(BrokerHarness.LENIENT_HANDSHAKES);
        String subprotocol = "base64url.bearer.exec-broker."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));
        String response = raw("/exec?command=true", "Sec-WebSocket-Protocol: " + subprotocol + ", exec-broker.v1");
        assertThat(response).startsWith("HTTP/1.1 101 ").containsIgnoringCase("sec-websocket-protocol: exec-broker.v1")
            .doesNotContain("base64url");
        ExecClient client = ExecClient.connect(broker.uri(), ExecClient.Options.defaults().token(TOKEN)
            .tokenInSubprotocol(true).command(List.of("sh", "-c", "exit 4"))).get(30, TimeUnit.SECONDS);
        assertThat(client.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(4);
    }

    @Test
    void tokenSubprotocolWithoutV1IsA400() throws Exception {
        start(BrokerHarness.LENIENT_HANDSHAKES);
        String response = raw("/exec?command=true", "Sec-WebSocket-Protocol: base64url.bearer.exec-broker.eA");
        assertThat(response).startsWith("HTTP/1.1 400 ")
            .contains("a token subprotocol must be offered together with exec-broker.v1");
    }

    @Test
    void queryTokenCanBeTurnedOff() throws Exception {
        start(BrokerHarness.LENIENT_HANDSHAKES.withQueryTokenAllowed(false));
        assertThat(raw("/exec?command=true&token=" + TOKEN)).startsWith("HTTP/1.1 401 ");
    }

    @Test
    void handshakeFloodFromOneAddressGets429WithRetryAfter() throws Exception {
        start(BrokerHarness.LENIENT_HANDSHAKES.withRate(0.5, 2));
        raw("/exec?command=true", "Authorization: Bearer nope");
        raw("/exec?command=true", "Authorization: Bearer nope");
        String response = raw("/exec?command=true", "Authorization: Bearer " + TOKEN);
        assertThat(response).startsWith("HTTP/1.1 429 ").containsIgnoringCase("retry-after: 2");
    }

    @Test
    void subjectOverItsSessionCapGets429() throws Exception {
        start(BrokerHarness.LENIENT_HANDSHAKES.withMaxSessionsPerSubject(1));
        String duration = ContainerProcesses.uniqueSleep();
        ExecClient first = ExecClient.connect(broker.uri(), ExecClient.Options.defaults().token(TOKEN)
            .command(List.of("sleep", duration))).get(30, TimeUnit.SECONDS);
        first.started().get(30, TimeUnit.SECONDS);
        assertThat(raw("/exec?command=true", "Authorization: Bearer " + TOKEN))
            .startsWith("HTTP/1.1 429 ").contains("too many sessions for this subject");
        first.close();
    }

    @Test
    void grantOutsideThePolicyIsRefusedWith403AndNothingRuns() throws Exception {
        broker = BrokerHarness.start(BrokerSettings.defaults().withHandshake(BrokerHarness.LENIENT_HANDSHAKES)
            .withPolicy(new PolicyRules(List.of("servertest"), List.of(List.of("true")), TtyRule.ANY, List.of(), true,
                List.of())), ALICE);
        String duration = ContainerProcesses.uniqueSleep();
        assertThat(raw("/exec?command=sleep&command=" + duration, "Authorization: Bearer " + TOKEN))
            .startsWith("HTTP/1.1 403 ").contains("{\"error\":\"not allowed by the broker's policy\"}");
        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + duration)).isFalse();
        assertThat(raw("/exec?command=true", "Authorization: Bearer " + TOKEN)).startsWith("HTTP/1.1 101 ");
    }

    private String raw(String target, String... headers) throws IOException {
        return RawHandshake.send(broker.port(), target, headers);
    }
}
