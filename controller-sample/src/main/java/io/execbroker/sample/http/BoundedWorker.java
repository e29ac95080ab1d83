package io.execbroker.sample.http;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker pool whose queue is bounded: at most {@code threads + maxWaiting} tasks at once, running or waiting. Past
 * that {@link #submit} fails at once with a 503 {@link RetryLaterException} rather than queue more work (a Vert.x
 * {@code WorkerExecutor}'s own queue has no bound, and under a login flood a queue of PBKDF2 checks only grows while
 * each waiting client times out). Thread safe; {@link #submit} returns immediately.
 */
public final class BoundedWorker {
    /** What a refused client is told to wait: about the time a few password checks take. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final WorkerExecutor executor;
    private final String work;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param executor runs the tasks, unordered
     * @param work what the tasks are, for the refusal, like {@code password checks}
     * @param threads the executor's pool size
     * @param maxWaiting tasks that may wait for a free thread
     */
    public BoundedWorker(WorkerExecutor executor, String work, int threads, int maxWaiting) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.work = Objects.requireNonNull(work, "work");
        if (threads < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("threads " + threads + ", maxWaiting " + maxWaiting
                + " (expected: >= 1 and >= 0)");
        }
        this.maxInFlight = threads + maxWaiting;
    }

    /** Runs {@code task} on the pool, or fails at once with a 503 if {@code threads + maxWaiting} are in flight. */
    <T> Future<T> submit(Callable<T> task) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return Future.failedFuture(new RetryLaterException(503, "too many " + work + " at once (at most "
                + maxInFlight + " running or waiting); try again shortly", RETRY_AFTER));
        }
        return executor.executeBlocking(task, false).andThen(done -> inFlight.decrementAndGet());
    }
}
