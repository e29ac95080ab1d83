package io.execbroker.broker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.ControllerAuthorizer;
import io.execbroker.broker.auth.JwtAuthorizer;
import io.execbroker.broker.auth.JwtKeySource;
import io.execbroker.broker.auth.JwtSettings;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.ops.Readiness;
import io.execbroker.broker.policy.PolicyRules;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.SecondEngine;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet of two brokers, one per Docker engine, on one machine: broker {@code host-a} on the shared engine (its
 * container {@code servertest}), broker {@code host-b} on the tests' second engine (a container of the test's own).
 * A token is bound to one broker, by the controller (which is told the asking broker's id) or by the JWT's
 * {@code aud}: it runs on that broker's engine and nowhere else, and a token presented to the other broker is refused
 * before the upgrade with nothing run. Stopping one engine leaves the other broker alone.
 */
class FleetIT {
    private static final String SECRET = "a secret of at least thirty-two bytes, for HS256";

    /** What a token is bound to: the broker that may take it and the container it grants. */
    private record Binding(String broker, String container) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final List<String> askedBy = new CopyOnWriteArrayList<>();
    private final Map<String, Binding> tokens = new java.util.concurrent.ConcurrentHashMap<>();
    private final String mine = "fleet-" + UUID.randomUUID().toString().substring(0, 8);
    private DockerClient engineB;
    private String containerB;
    private String containerA;
    private HttpServer controller;
    private BrokerHarness hostA;
    private BrokerHarness hostB;

    @BeforeEach
    void start() throws Exception {
        SecondEngine.ensureStarted();
        engineB = DockerFixture.connect(SecondEngine.config());
        containerB = engineB.createContainerCmd(DockerFixture.IMAGE).withName(mine).withCmd("sleep", "600")
            .withStopTimeout(1).exec().getId();
        engineB.startContainerCmd(containerB).exec();
        try (DockerClient engineA = DockerFixture.connect()) {
            containerA = engineA.inspectContainerCmd(DockerFixture.CONTAINER).exec().getId();
        }
        // The web app's side: each token was issued for one broker; asked by another, it is refused.
        controller = vertx.createHttpServer().requestHandler(request -> {
            String broker = request.getHeader(ControllerAuthorizer.BROKER_ID_HEADER);
            askedBy.add(String.valueOf(broker));
            Binding bound = tokens.get(String.valueOf(request.getParam("token")));
            if (bound == null || !bound.broker().equals(broker)) {
                request.response().setStatusCode(403).end("{\"error\":\"not a token for this broker\"}");
                return;
            }
            request.response().putHeader("Content-Type", "application/json").end(GrantJson.toJson(
                ExecGrant.builder(bound.container(), request.params().getAll("command")).subject("alice").build()));
        });
        controller.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        SecondEngine.ensureStarted();
        try {
            for (BrokerHarness broker : new BrokerHarness[] {hostA, hostB}) {
                if (broker != null) {
                    broker.close();
                }
            }
            engineB.removeContainerCmd(containerB).withForce(true).exec();
            engineB.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static BrokerSettings settings(String container) {
        // As a fleet would run: each broker's policy names the containers of its own host.
        return BrokerSettings.defaults().withHandshake(BrokerHarness.LENIENT_HANDSHAKES)
            .withPolicy(PolicyRules.ALLOW_ALL.withContainers(List.of(container)));
    }

    private void startControllerMode() throws Exception {
        String url = "http://127.0.0.1:" + controller.actualPort() + "/controller";
        hostA = BrokerHarness.start(settings(DockerFixture.CONTAINER), asking(url, "host-a"), AuditLog.NONE,
            DockerClients.configFromEnvironment());
        hostB = BrokerHarness.start(settings(mine), asking(url, "host-b"), AuditLog.NONE, SecondEngine.config());
    }

    private Authorizer asking(String url, String brokerId) {
        return new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(url, Optional.empty(), null,
            Duration.ofSeconds(5), 64 * 1024, 64, Optional.of(brokerId)));
    }

    private void startJwtMode() throws Exception {
        hostA = BrokerHarness.start(settings(DockerFixture.CONTAINER), jwt("host-a"), AuditLog.NONE,
            DockerClients.configFromEnvironment());
        hostB = BrokerHarness.start(settings(mine), jwt("host-b"), AuditLog.NONE, SecondEngine.config());
    }

    /** What {@code serve} builds in JWT mode with {@code broker.id} set and no {@code jwt.audience}. */
    private Authorizer jwt(String brokerId) {
        return new JwtAuthorizer(vertx, JwtSettings.builder(JwtKeySource.hmacSecret(
            SECRET.getBytes(StandardCharsets.UTF_8))).audience(brokerId).build(), Clock.systemUTC());
    }

    private static String jwtFor(String brokerId, String container) {
        return JWT.create().withAudience(brokerId).withJWTId(UUID.randomUUID().toString())
            .withExpiresAt(Instant.now().plus(Duration.ofMinutes(2)))
            .withClaim("exec", Map.of("container", container, "command", List.of("hostname"), "subject", "alice"))
            .sign(Algorithm.HMAC256(SECRET.getBytes(StandardCharsets.UTF_8)));
    }

    private String controllerToken(String brokerId, String container) {
        String token = "tok-" + UUID.randomUUID();
        tokens.put(token, new Binding(brokerId, container));
        return token;
    }

    /** Runs {@code hostname} with {@code token} on {@code broker}: the host name of the container it ran in. */
    private static String hostname(BrokerHarness broker, String token) throws Exception {
        ExecClient session = broker.connect(ExecClient.Options.defaults().token(token).command(List.of("hostname")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        session.stdout().transferTo(out);
        assertThat(session.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    private static String refusal(BrokerHarness broker, String token) throws Exception {
        return RawHandshake.send(broker.port(), "/exec?command=hostname&token=" + token);
    }

    /** The execs {@code broker} created in its engine, from its metrics (Docker forgets an exec once it exited). */
    private static long execsCreated(BrokerHarness broker) {
        return broker.broker().metrics().registry().find("exec_broker_docker_api_duration")
            .tag("operation", "exec_create").timers().stream().mapToLong(t -> t.count()).sum();
    }

    @Test
    void controllerMode_aTokenRunsOnTheBrokerItWasIssuedForAndIsRefusedByTheOtherWithNothingRun() throws Exception {
        startControllerMode();
        String forA = controllerToken("host-a", DockerFixture.CONTAINER);

        // host-b asks the controller, naming itself, and is refused: 403 before any upgrade, nothing in its engine.
        assertThat(refusal(hostB, forA)).startsWith("HTTP/1.1 403 ")
            .endsWith("{\"error\":\"the controller refused the token (403)\"}");
        assertThat(askedBy).containsExactly("host-b");
        assertThat(execsCreated(hostB)).isZero();

        assertThat(hostname(hostA, forA)).isEqualTo(containerA.substring(0, 12));
        assertThat(askedBy).containsExactly("host-b", "host-a");
        assertThat(execsCreated(hostB)).as("host-a's session ran on host-a's engine only").isZero();
        assertThat(execsCreated(hostA)).isEqualTo(1);

        String forB = controllerToken("host-b", mine);
        assertThat(refusal(hostA, forB)).startsWith("HTTP/1.1 403 ");
        assertThat(hostname(hostB, forB)).isEqualTo(containerB.substring(0, 12));
        assertThat(execsCreated(hostA)).isEqualTo(1);
        assertThat(execsCreated(hostB)).isEqualTo(1);
    }

    @Test
    void jwtMode_aTokenForOneBrokersAudienceIs401AtTheOtherWithNothingRun() throws Exception {
        startJwtMode();
        String forA = jwtFor("host-a", DockerFixture.CONTAINER);

        assertThat(refusal(hostB, forA)).startsWith("HTTP/1.1 401 ").contains("audience");
        assertThat(execsCreated(hostB)).isZero();
        // The refusal did not spend the token: it was never host-b's to spend. host-a takes it once.
        assertThat(hostname(hostA, forA)).isEqualTo(containerA.substring(0, 12));
        assertThat(refusal(hostA, forA)).startsWith("HTTP/1.1 401 ").contains("replayed");

        String forB = jwtFor("host-b", mine);
        assertThat(refusal(hostA, forB)).startsWith("HTTP/1.1 401 ").contains("audience");
        assertThat(hostname(hostB, forB)).isEqualTo(containerB.substring(0, 12));
        assertThat(execsCreated(hostA)).isEqualTo(1);
        assertThat(execsCreated(hostB)).isEqualTo(1);
    }

    @Test
    void stoppingOneEngineLeavesTheOtherBrokersSessionsAndReadinessAlone() throws Exception {
        startControllerMode();
        ExecClient cat = hostA.connect(ExecClient.Options.defaults().token(controllerToken("host-a",
            DockerFixture.CONTAINER)).command(List.of("cat")));
        cat.started().get(30, TimeUnit.SECONDS);
        assertThat(ready(hostA).ready()).isTrue();
        assertThat(ready(hostB).ready()).isTrue();

        SecondEngine.stop();
        try {
            Readiness.Report downB = ready(hostB);
            assertThat(downB.ready()).isFalse();
            assertThat(downB.checks().get("docker")).startsWith("Docker is not ready");
            assertThat(ready(hostA).ready()).as(ready(hostA).checks().toString()).isTrue();
            // host-a's session goes on, byte for byte, and host-a takes new sessions.
            cat.stdin().write("still here\n".getBytes(StandardCharsets.UTF_8));
            cat.stdin().close();
            assertThat(new String(cat.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("still here\n");
            assertThat(cat.exitCode().get(30, TimeUnit.SECONDS)).isZero();
            assertThat(hostname(hostA, controllerToken("host-a", DockerFixture.CONTAINER)))
                .isEqualTo(containerA.substring(0, 12));
        } finally {
            SecondEngine.start();
        }
        engineB.startContainerCmd(containerB).exec();
        assertThat(hostname(hostB, controllerToken("host-b", mine))).isEqualTo(containerB.substring(0, 12));
    }

    private static Readiness.Report ready(BrokerHarness broker) throws Exception {
        return broker.broker().readiness().check().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
