package io.execbroker.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handshake's bounds on a lookup that Docker answers late or never: a time, and a number waiting. */
class BoundedLookupTest {
    private static final ContainerInfo WEB = new ContainerInfo("0123456789ab", "web-1", Map.of(), true);

    private final Vertx vertx = Vertx.vertx();
    /** Lookups Docker has yet to answer, in the order asked. */
    private final List<Promise<ContainerInfo>> unanswered = new ArrayList<>();
    private final ContainerLookup stalled = name -> {
        Promise<ContainerInfo> answer = Promise.promise();
        synchronized (unanswered) {
            unanswered.add(answer);
        }
        return answer.future();
    };

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(Future<ContainerInfo> lookup, Duration within) throws Exception {
        try {
            lookup.toCompletionStage().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the lookup succeeded: " + lookup);
    }

    @Test
    void failsNamingDockerAndTheBoundWhenDockerDoesNotAnswerInTime() throws Exception {
        BoundedLookup lookup = new BoundedLookup(vertx, stalled, Duration.ofMillis(200), 4);
        long started = System.nanoTime();
        Throwable failure = failure(lookup.lookup("web-1"), Duration.ofSeconds(5));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(failure).isInstanceOf(DockerUnavailableException.class)
            .hasMessage("Docker did not answer within 200 ms");
        assertThat(tookMillis).isBetween(190L, 2_000L);
        // It still waits for Docker, and holds its place until Docker answers.
        assertThat(lookup.waiting()).isEqualTo(1);
        unanswered.get(0).complete(WEB);
        assertThat(lookup.waiting()).isZero();
    }

    @Test
    void refusesAtOnceWhileTheMostLookupsWaitAndTakesMoreOnceDockerAnswers() throws Exception {
        BoundedLookup lookup = new BoundedLookup(vertx, stalled, Duration.ofMinutes(1), 2);
        Future<ContainerInfo> first = lookup.lookup("web-1");
        Future<ContainerInfo> second = lookup.lookup("web-1");
        Future<ContainerInfo> third = lookup.lookup("web-1");
        assertThat(third.failed()).as("refused at once").isTrue();
        assertThat(third.cause()).isInstanceOf(DockerUnavailableException.class)
            .hasMessage("Docker is slow to answer: 2 container lookups are waiting for it");
        assertThat(unanswered).as("the refused one never reached Docker").hasSize(2);

        unanswered.get(0).complete(WEB);
        assertThat(first.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(WEB);
        Future<ContainerInfo> fourth = lookup.lookup("web-1");
        assertThat(fourth.isComplete()).as("taken: a place was free again").isFalse();
        unanswered.get(1).fail(new ContainerNotFoundException("web-1"));
        assertThat(failure(second, Duration.ofSeconds(5))).isInstanceOf(ContainerNotFoundException.class);
        unanswered.get(2).complete(WEB);
        assertThat(fourth.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(WEB);
        assertThat(lookup.waiting()).isZero();
    }

    @Test
    void refusesABoundOfNothing() {
        assertThatThrownBy(() -> new BoundedLookup(vertx, stalled, Duration.ZERO, 1))
            .hasMessage("timeout: PT0S (expected: >= 1 ms)");
        assertThatThrownBy(() -> new BoundedLookup(vertx, stalled, Duration.ofSeconds(5), 0))
            .hasMessage("maxWaiting: 0 (expected: >= 1)");
    }
}
