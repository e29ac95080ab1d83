package io.execbroker.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.RawHandshake;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A controller that answers with a redirect, through a real broker on the real engine: the broker must not fetch
 * the {@code Location} (where a grant waits, and where its controller secret would go), must refuse with 502, and
 * must create no exec.
 */
class ControllerRedirectIT {
    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger redirectTargetRequests = new AtomicInteger();
    private final String duration = ContainerProcesses.uniqueSleep();
    private HttpServer controller;
    private BrokerHarness broker;

    @BeforeEach
    void start() throws Exception {
        // The Location: a listener that would grant a command, and counts who asks.
        HttpServer elsewhere = await(vertx.createHttpServer().requestHandler(request -> {
            redirectTargetRequests.incrementAndGet();
            request.response().putHeader("Content-Type", "application/json")
                .end("{\"container\":\"" + DockerFixture.CONTAINER + "\",\"command\":[\"sleep\",\"" + duration + "\"]}");
        }).listen(0, "127.0.0.1"));
        controller = await(vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(302)
            .putHeader("Location", "http://127.0.0.1:" + elsewhere.actualPort() + "/controller?" + request.query())
            .end()).listen(0, "127.0.0.1"));
        ControllerAuthorizer authorizer = new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(
            "http://127.0.0.1:" + controller.actualPort() + "/controller", Optional.of("broker-secret"), null,
            Duration.ofSeconds(5), 64 * 1024, 64));
        broker = BrokerHarness.start(SessionLimits.DEFAULTS, authorizer);
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
        await(vertx.close());
    }

    @Test
    void aRedirectingControllerIs502AndNothingIsFetchedOrRun() throws Exception {
        Set<String> execsBefore = ContainerProcesses.execIds(broker.docker());

        String response = RawHandshake.send(broker.port(), "/exec?command=sleep&command=" + duration,
            "Authorization: Bearer some-token");

        assertThat(response).startsWith("HTTP/1.1 502 ")
            .contains("{\"error\":\"the controller answered a redirect (302), which the broker does not follow\"}");
        assertThat(redirectTargetRequests).as("requests to the redirect's Location").hasValue(0);
        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + duration)).isFalse();
        assertThat(ContainerProcesses.execsMentioning(broker.docker(), execsBefore, duration)).isEmpty();
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
