package io.execbroker.broker.session;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.audit.Teardown;
import io.execbroker.broker.docker.DockerErrors;
import io.execbroker.broker.docker.ExecState;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of one session: waits until what it leaves in the container is settled (the process killed, or what an
 * exited process left running), writes the {@code ended} audit record with that outcome, then completes
 * {@link #ended()}, which frees the session's slot. A teardown that cannot confirm the processes are gone frees
 * the slot all the same (a stuck process must not take it for ever), but never silently: an ERROR and
 * {@code "teardown":"unconfirmed"}. Not thread safe: use it from the session's event loop.
 */
final class SessionEnd {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEnd.class);

    private final AuditLog audit;
    private final AuditRecord accepted;
    private final String container;
    private final LongSupplier bytesIn;
    private final LongSupplier bytesOut;
    private final Promise<Void> ended = Promise.promise();

    SessionEnd(AuditLog audit, AuditRecord accepted, String container, LongSupplier bytesIn, LongSupplier bytesOut) {
        this.audit = audit;
        this.accepted = accepted;
        this.container = container;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
    }

    /** Returns a future that completes once the end is recorded and nothing of the session runs. */
    Future<Void> ended() {
        return ended.future();
    }

    /** Ends a session that left nothing running. */
    void now(int code, String reason, Optional<Integer> exit) {
        record(code, reason, exit, Optional.empty());
    }

    /** Ends a session whose process exited with {@code exit}, once {@code leftovers} (what it left) are killed. */
    void afterLeftovers(int code, String reason, int exit, String execId, Future<Integer> leftovers) {
        leftovers.onComplete((killed, failure) -> {
            if (failure != null) {
                record(code, reason, Optional.of(exit), Optional.of(unconfirmed(execId, failure,
                    "what its process left running")));
            } else if (killed > 0) {
                LOG.info("session {}: its process exited leaving {} running in its session; killed", execId, killed);
                record(code, reason, Optional.of(exit), Optional.of(Teardown.leftoversKilled(killed)));
            } else {
                now(code, reason, Optional.of(exit));
            }
        });
    }

    /**
     * Ends a session the broker ended before its process did, once {@code terminated} says the process is gone
     * (null: it never started).
     */
    void afterTeardown(int code, String reason, String execId, Future<ExecState> terminated) {
        terminated.onComplete((state, failure) -> {
            if (failure != null) {
                record(code, reason, Optional.empty(), Optional.of(unconfirmed(execId, failure, "its processes")));
            } else if (state == null) {
                now(code, reason, Optional.empty());
            } else {
                Optional<Integer> exit = state.exitCode().isPresent()
                    ? Optional.of((int) state.exitCode().getAsLong()) : Optional.empty();
                record(code, reason, exit, Optional.of(Teardown.CONFIRMED));
            }
        });
    }

    private Teardown unconfirmed(String execId, Throwable failure, String what) {
        String why = DockerErrors.describe(failure);
        LOG.error("session {} ended, but {} may still run in container {}: {}", execId, what, container, why);
        return Teardown.unconfirmed(why);
    }

    private void record(int code, String reason, Optional<Integer> exit, Optional<Teardown> teardown) {
        AuditRecord end = accepted.ended(Instant.now(), code, reason, exit, bytesIn.getAsLong(), bytesOut.getAsLong());
        audit.record(teardown.map(end::withTeardown).orElse(end));
        ended.tryComplete();
    }
}
