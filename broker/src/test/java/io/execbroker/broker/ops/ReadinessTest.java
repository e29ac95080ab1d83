package io.execbroker.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Readiness.Report check(Readiness readiness) throws Exception {
        return readiness.check().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPingThatHasAlreadyFailedWhenItIsReturnedIsReportedAndNotLost() throws Exception {
        // The case CI met: Docker gone, the ping's future failed before the check looked at it.
        Readiness readiness = new Readiness(vertx, () -> Future.failedFuture(new IllegalStateException("no socket")),
            Future::succeededFuture);
        for (int i = 0; i < 3; i++) {
            Readiness.Report report = check(readiness);
            assertThat(report.ready()).isFalse();
            assertThat(report.checks()).containsEntry("docker", "Docker is not ready: no socket")
                .containsEntry("authorizer", "ok");
        }
    }

    @Test
    void aStalledPingCountsAsNotReadyWithinTheBoundAndIsNotAskedAgainMeanwhile() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        Promise<Void> stalled = Promise.promise();
        Readiness readiness = new Readiness(vertx, () -> {
            pings.incrementAndGet();
            return stalled.future();
        }, () -> Future.failedFuture(new IllegalStateException("key set unavailable")));
        long started = System.nanoTime();
        Readiness.Report first = check(readiness);
        Readiness.Report second = check(readiness);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2 * Readiness.BOUND.toMillis() + 2000);
        assertThat(first.checks()).containsEntry("docker", "Docker did not answer within 2000 ms")
            .containsEntry("authorizer", "the authorizer is not ready: key set unavailable");
        assertThat(second.ready()).isFalse();
        assertThat(pings).as("one ping in flight however often the probe asks").hasValue(1);
        stalled.complete();
        assertThat(check(readiness).checks()).containsEntry("docker", "ok");
    }
}
