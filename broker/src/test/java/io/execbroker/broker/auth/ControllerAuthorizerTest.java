package io.execbroker.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.execbroker.broker.testing.FaultyController;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The controller contract (DESIGN.md §5) against a small real HTTP controller on a free port. */
class ControllerAuthorizerTest {
    private static final HandshakeRequest REQUEST = new HandshakeRequest(Optional.of("tok-123"), List.of("ps", "aux"),
        Optional.of(true), "10.0.0.7", Optional.of("https://app.example"), Optional.of("test-agent"));

    private final Vertx vertx = Vertx.vertx();
    private final List<HttpServerRequest> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ControllerAuthorizer controller(Handler<HttpServerRequest> answer, Duration timeout, int maxInFlight)
            throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            seen.add(request);
            answer.handle(request);
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(
            "http://127.0.0.1:" + server.actualPort() + "/controller", Optional.of("broker-secret"), "servertest",
            timeout, 64 * 1024, maxInFlight));
    }

    private ControllerAuthorizer answering(int status, String body) throws Exception {
        return controller(r -> r.response().setStatusCode(status).end(body), Duration.ofSeconds(5), 64);
    }

    private static ExecGrant grant(Future<ExecGrant> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void assertRefused(Future<ExecGrant> future, int status) {
        assertThatThrownBy(() -> grant(future)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOfSatisfying(AuthorizationException.class, e -> {
                assertThat(e.status()).isEqualTo(status);
                assertThat(e.getMessage()).doesNotContain("tok-123");
            });
    }

    @Test
    void sendsTokenRequestAndClientFactsAndReturnsTheGrant() throws Exception {
        ControllerAuthorizer authorizer = answering(200, "{\"container\":\"web-1\",\"command\":[\"ps\",\"aux\"],\"tty\":true}");
        ExecGrant grant = grant(authorizer.authorize(REQUEST));
        assertThat(grant.container()).isEqualTo("web-1");
        HttpServerRequest call = seen.get(0);
        assertThat(call.getParam("token")).isEqualTo("tok-123");
        assertThat(call.params().getAll("command")).containsExactly("ps", "aux");
        assertThat(call.getParam("tty")).isEqualTo("true");
        assertThat(call.getHeader("Authorization")).isEqualTo("Bearer broker-secret");
        assertThat(call.getHeader("X-Forwarded-For")).isEqualTo("10.0.0.7");
        assertThat(call.getHeader("Origin")).isEqualTo("https://app.example");
        assertThat(call.getHeader("User-Agent")).isEqualTo("test-agent");
        assertThat(call.getHeader("Accept")).isEqualTo("application/json");
    }

    @Test
    void namesTheBrokerThatAsksSoTheControllerCanRefuseATokenIssuedForAnotherBroker() throws Exception {
        assertThat(seen).isEmpty();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            seen.add(request);
            boolean forThisBroker = "host-b".equals(request.getHeader(ControllerAuthorizer.BROKER_ID_HEADER));
            request.response().setStatusCode(forThisBroker ? 200 : 403)
                .end(forThisBroker ? "{\"container\":\"web-1\",\"command\":[\"ps\"]}" : "{\"error\":\"another broker\"}");
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String url = "http://127.0.0.1:" + server.actualPort() + "/controller";
        ControllerAuthorizer hostA = new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(url,
            Optional.empty(), "servertest", Duration.ofSeconds(5), 64 * 1024, 64, Optional.of("host-a")));
        ControllerAuthorizer hostB = new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(url,
            Optional.empty(), "servertest", Duration.ofSeconds(5), 64 * 1024, 64, Optional.of("host-b")));

        assertRefused(hostA.authorize(REQUEST), 403);
        assertThat(grant(hostB.authorize(REQUEST)).container()).isEqualTo("web-1");
        assertThat(seen).extracting(r -> r.getHeader("X-Exec-Broker-Id")).containsExactly("host-a", "host-b");
    }

    @Test
    void acceptsTheWsSubprocessFormWithTheDefaultContainer() throws Exception {
        ExecGrant grant = grant(answering(200, "{\"command\":\"/usr/bin/nano\",\"args\":[\"-v\"]}").authorize(REQUEST));
        assertThat(grant.container()).isEqualTo("servertest");
        assertThat(grant.command()).containsExactly("/usr/bin/nano", "-v");
    }

    @Test
    void passesOn401And403And404() throws Exception {
        for (int status : new int[] {401, 403, 404}) {
            assertRefused(answering(status, "{}").authorize(REQUEST), status);
        }
    }

    @Test
    void otherStatusesAre502() throws Exception {
        assertRefused(answering(500, "boom").authorize(REQUEST), 502);
        assertRefused(answering(302, "").authorize(REQUEST), 502);
    }

    @Test
    void garbageEmptyCommandOrHugeBodiesAre502() throws Exception {
        assertRefused(answering(200, "<html>not json</html>").authorize(REQUEST), 502);
        assertRefused(answering(200, "{\"container\":\"c\",\"command\":[]}").authorize(REQUEST), 502);
        assertRefused(answering(200, "{\"container\":\"c\",\"command\":[\"" + "a".repeat(10 * 1024 * 1024) + "\"]}")
            .authorize(REQUEST), 502);
    }

    @Test
    void aRedirectIs502AndItsLocationIsNeverFetched() throws Exception {
        List<HttpServerRequest> elsewhere = new CopyOnWriteArrayList<>();
        HttpServer other = vertx.createHttpServer().requestHandler(request -> {
            elsewhere.add(request);
            request.response().end("{\"container\":\"servertest\",\"command\":[\"id\"]}");
        });
        other.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int status : new int[] {301, 302, 303, 307, 308}) {
            ControllerAuthorizer authorizer = controller(r -> r.response().setStatusCode(status)
                .putHeader("Location", "http://127.0.0.1:" + other.actualPort() + "/grant").end(), Duration.ofSeconds(5), 64);
            assertThatThrownBy(() -> grant(authorizer.authorize(REQUEST))).cause()
                .isInstanceOfSatisfying(AuthorizationException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.getMessage()).isEqualTo("the controller answered a redirect (" + status
                        + "), which the broker does not follow");
                });
        }
        assertThat(elsewhere).as("requests to the redirect's Location").isEmpty();
    }

    @Test
    void aControllerThatTricklesItsAnswerStillEndsAtTheTimeoutWith504AndFreesItsSlot() throws Exception {
        AtomicInteger closedConnections = new AtomicInteger();
        ControllerAuthorizer authorizer = controller(request -> {
            request.connection().closeHandler(v -> closedConnections.incrementAndGet());
            request.response().setChunked(true).putHeader("Content-Type", "application/json").write("{");
            // JSON whitespace, one byte every 50 ms, forever: an idle timeout never fires.
            vertx.setPeriodic(50, id -> {
                if (request.response().closed()) {
                    vertx.cancelTimer(id);
                } else {
                    request.response().write(" ");
                }
            });
        }, Duration.ofMillis(500), 1);
        long start = System.nanoTime();
        assertRefused(authorizer.authorize(REQUEST), 504);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(closedConnections).as("the trickling call's connection is closed").hasValue(1));
        // The one in-flight slot is free again: the next call reaches the controller instead of a 503.
        assertRefused(authorizer.authorize(REQUEST), 504);
        assertThat(seen).hasSize(2);
    }

    @Test
    void anInvalidGrantNamesTheFieldOnlyNeverTheControllersText() throws Exception {
        assertThatThrownBy(() -> grant(answering(200, "{\"container\":\"c\",\"command\":[\"x\", 7],"
            + "\"workdir\":\"/srv/secret-dir\"}").authorize(REQUEST))).cause()
            .hasMessage("the controller answered an invalid grant (field command[1])");
        assertThatThrownBy(() -> grant(answering(200, "{\"container\":\"c\",\"command\":[\"x\"],"
            + "\"workdir\":\"secret-relative-dir\"}").authorize(REQUEST))).cause()
            .hasMessage("the controller answered an invalid grant (field workdir)");
        assertThatThrownBy(() -> grant(answering(200, "{\"env\": {\"TOKEN\": s3cr3t-value}}").authorize(REQUEST)))
            .cause().hasMessage("the controller answered an invalid grant (not a grant object)");
    }

    @Test
    void slowControllerIs504() throws Exception {
        ControllerAuthorizer authorizer = controller(r -> { }, Duration.ofMillis(300), 64);
        assertRefused(authorizer.authorize(REQUEST), 504);
    }

    @Test
    void unreachableControllerIs503() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ControllerAuthorizer authorizer = new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(
            "http://127.0.0.1:" + port + "/c", Optional.empty(), null, Duration.ofSeconds(5), 1024, 64));
        assertRefused(authorizer.authorize(REQUEST), 503);
    }

    private ControllerAuthorizer faulty(FaultyController controller, Duration timeout) {
        return new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(controller.url(), Optional.empty(),
            null, timeout, 64 * 1024, 1));
    }

    /**
     * A reset is 502, not 503: the controller was reached and broke the exchange (a bad gateway, as a reverse proxy
     * answers an upstream's reset); 503 stays for a controller that cannot be reached and for the in-flight bound.
     */
    @ParameterizedTest
    @EnumSource(value = FaultyController.Fault.class, names = {"RESETS_BEFORE_ANSWER", "RESETS_MID_ANSWER"})
    void aControllerThatResetsTheConnectionIs502AndFreesItsSlot(FaultyController.Fault fault) throws Exception {
        try (FaultyController controller = FaultyController.start(fault)) {
            ControllerAuthorizer authorizer = faulty(controller, Duration.ofSeconds(5));
            for (int call = 1; call <= 2; call++) { // the one slot is free again after the first
                long start = System.nanoTime();
                assertThatThrownBy(() -> grant(authorizer.authorize(REQUEST))).cause()
                    .isInstanceOfSatisfying(AuthorizationException.class, e -> {
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.getMessage()).isEqualTo("the controller call failed");
                    });
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well before the timeout")
                    .isLessThan(Duration.ofSeconds(2));
                assertThat(controller.connections()).isEqualTo(call);
            }
        }
    }

    @Test
    void aControllerThatAcceptsAndNeverReadsIs504AndItsConnectionIsClosed() throws Exception {
        try (FaultyController controller = FaultyController.start(FaultyController.Fault.NEVER_READS)) {
            ControllerAuthorizer authorizer = faulty(controller, Duration.ofMillis(500));
            for (int call = 1; call <= 2; call++) {
                assertRefused(authorizer.authorize(REQUEST), 504);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(controller.open()).as("connections the controller still has open").isZero());
            }
            assertThat(controller.connections()).isEqualTo(2);
        }
    }

    @Test
    void callsPastTheInFlightBoundAre503() throws Exception {
        ControllerAuthorizer authorizer = controller(r -> { }, Duration.ofSeconds(2), 1);
        Future<ExecGrant> first = authorizer.authorize(REQUEST);
        assertRefused(authorizer.authorize(REQUEST), 503);
        assertRefused(first, 504);
    }

    @Test
    void noTokenIs401WithoutACall() throws Exception {
        ControllerAuthorizer authorizer = answering(200, "{}");
        assertRefused(authorizer.authorize(new HandshakeRequest(Optional.empty(), List.of(), Optional.empty(),
            "1.2.3.4", Optional.empty(), Optional.empty())), 401);
        assertThat(seen).isEmpty();
    }

    private static final HandshakeRequest WATCH = new HandshakeRequest(Optional.of("tok-123"), List.of(),
        Optional.empty(), "10.0.0.7", Optional.empty(), Optional.empty(), HandshakeRequest.Purpose.EVENTS);

    @Test
    void aWatchSaysPurposeEventsAndGetsItsScope() throws Exception {
        ControllerAuthorizer authorizer = answering(200, "{\"subject\":\"alice\",\"events\":{\"containers\":[\"web-*\"]}}");
        WatchGrant grant = authorizer.authorizeWatch(WATCH).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        assertThat(grant.subject()).contains("alice");
        assertThat(grant.scope().containers()).containsExactly("web-*");
        assertThat(seen.get(0).getParam("purpose")).isEqualTo("events");
        assertThat(seen.get(0).getParam("token")).isEqualTo("tok-123");
    }

    @Test
    void anExecHandshakeSendsNoPurpose() throws Exception {
        grant(answering(200, "{\"container\":\"web-1\",\"command\":[\"ps\"]}").authorize(REQUEST));
        assertThat(seen.get(0).params().names()).doesNotContain("purpose");
    }

    @Test
    void anExecGrantForAWatchAndAWatchGrantForAnExecAre403() throws Exception {
        Future<WatchGrant> watch = answering(200, "{\"container\":\"web-1\",\"command\":[\"ps\"]}").authorizeWatch(WATCH);
        assertThatThrownBy(() -> watch.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .cause().isInstanceOfSatisfying(AuthorizationException.class, e -> {
                assertThat(e.status()).isEqualTo(403);
                assertThat(e.getMessage()).isEqualTo("the controller's grant: an exec grant does not allow watching events");
            });
        assertRefused(answering(200, "{\"events\":{\"containers\":[\"*\"]}}").authorize(REQUEST), 403);
    }

    @Test
    void anInvalidScopeIs502NamingTheField() throws Exception {
        Future<WatchGrant> watch = answering(200, "{\"events\":{\"containers\":[\"*\"],\"types\":[\"x\"]}}")
            .authorizeWatch(WATCH);
        assertThatThrownBy(() -> watch.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .cause().isInstanceOfSatisfying(AuthorizationException.class, e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.getMessage()).isEqualTo("the controller answered an invalid grant (field events.types)");
            });
    }
}
