package io.execbroker.broker.policy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The container lookup of the handshake, bounded in time and in number: a client waits at most {@code timeout}
 * for Docker's answer, then gets 503 (a stalled engine must not hold handshakes for the 30 s a Docker call may
 * take), and at most {@code maxWaiting} lookups wait for Docker at once; past that a handshake is refused at once
 * rather than queued. A lookup that timed out still counts as waiting until Docker answers it (it still holds a
 * worker), so a stall cannot pile up more than {@code maxWaiting} calls however many clients come. Returns
 * immediately; the timer and the answer complete on the caller's context. Thread safe.
 */
public final class BoundedLookup implements ContainerLookup {
    private final Vertx vertx;
    private final ContainerLookup lookup;
    private final Duration timeout;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();

    public BoundedLookup(Vertx vertx, ContainerLookup lookup, Duration timeout, int maxWaiting) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 1 ms)");
        }
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxWaiting: " + maxWaiting + " (expected: >= 1)");
        }
        this.timeout = timeout;
        this.maxWaiting = maxWaiting;
    }

    /**
     * As {@link ContainerLookup#lookup}, but fails with {@link DockerUnavailableException} once {@code timeout}
     * has passed without Docker's answer ("Docker did not answer within 5 s"), or at once when {@code maxWaiting}
     * lookups already wait ("Docker is slow to answer: 32 container lookups are waiting for it").
     */
    @Override
    public Future<ContainerInfo> lookup(String nameOrId) {
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            return Future.failedFuture(new DockerUnavailableException("Docker is slow to answer: " + maxWaiting
                + " container lookups are waiting for it"));
        }
        Promise<ContainerInfo> answer = Promise.promise();
        long timer = vertx.setTimer(timeout.toMillis(), id -> answer.tryFail(new DockerUnavailableException(
            "Docker did not answer within " + shown(timeout))));
        lookup.lookup(nameOrId).onComplete(done -> {
            waiting.decrementAndGet();
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                answer.tryComplete(done.result());
            } else {
                answer.tryFail(done.cause());
            }
        });
        return answer.future();
    }

    /** Returns how many lookups wait for Docker now, those that timed out included. */
    public int waiting() {
        return waiting.get();
    }

    /** Like {@code 5 s}, or {@code 250 ms} below a second or between whole seconds. */
    private static String shown(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
