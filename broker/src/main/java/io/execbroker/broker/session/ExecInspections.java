package io.execbroker.broker.session;

import io.execbroker.broker.docker.DockerErrors;
import io.execbroker.broker.docker.ExecHandle;
import io.execbroker.broker.docker.ExecState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What a session asks Docker about its exec, by exec inspect every {@link #POLL}: has the process whose first output
 * arrived really started (Docker sends its own "cannot start" message on the stream as output), and once the output
 * has ended, its exit code (Docker records it as it closes the stream, so the first answer almost always has it; at
 * most {@link #EXIT_POLLS} are made). A poll stops once the session no longer {@code wants} the answer (it closed).
 * Not thread safe: the session's event loop calls it.
 */
final class ExecInspections {
    static final int EXIT_POLLS = 50;
    static final Duration POLL = Duration.ofMillis(10);

    private final Vertx vertx;
    private final ExecHandle handle;
    private final BooleanSupplier wanted;

    ExecInspections(Vertx vertx, ExecHandle handle, BooleanSupplier wanted) {
        this.vertx = vertx;
        this.handle = handle;
        this.wanted = wanted;
    }

    /**
     * Completes once Docker reports a pid, or cannot be asked (the output is then taken as it is); fails if Docker
     * says the process failed to start (the stream ends next, and its end reports it) or the session closed.
     */
    Future<Void> started() {
        Promise<Void> started = Promise.promise();
        askStarted(started);
        return started.future();
    }

    /**
     * Completes with the state Docker records once the process has exited; fails, with a message that begins
     * "exit code unknown", when Docker cannot say, or when the process still runs after all the polls.
     */
    Future<ExecState> exited() {
        Promise<ExecState> exited = Promise.promise();
        askExited(exited, EXIT_POLLS);
        return exited.future();
    }

    private void askStarted(Promise<Void> started) {
        handle.inspect().onComplete(ar -> {
            if (!wanted.getAsBoolean()) {
                started.fail("the session closed");
            } else if (ar.failed() || ar.result().pid() > 0) {
                started.complete();
            } else if (ar.result().failedToStart()) {
                started.fail("the process failed to start");
            } else {
                vertx.setTimer(POLL.toMillis(), id -> askStarted(started));
            }
        });
    }

    private void askExited(Promise<ExecState> exited, int polls) {
        handle.inspect().onComplete(ar -> {
            if (!wanted.getAsBoolean()) {
                exited.fail("the session closed");
            } else if (ar.failed()) {
                exited.fail("exit code unknown: " + DockerErrors.describe(ar.cause()));
            } else if (ar.result().exited()) {
                exited.complete(ar.result());
            } else if (polls > 0) {
                vertx.setTimer(POLL.toMillis(), id -> askExited(exited, polls - 1));
            } else {
                exited.fail("exit code unknown: the process still runs after its output ended");
            }
        });
    }
}
