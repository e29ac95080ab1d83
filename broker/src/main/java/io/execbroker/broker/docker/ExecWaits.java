package io.execbroker.broker.docker;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * What a teardown waits for from Docker, by exec inspect polled with back-off: the start taken up, the exit of a
 * process the broker cannot see, the exit recorded after KILL. The first wait is {@link #FIRST_POLL}, each one
 * doubles up to {@link #MAX_POLL}, and once a wait has lasted the patience an engine that is stuck is asked every
 * {@link #SLOW_POLL} only, so that a hundred teardowns do not add to its load. Split from {@link ExecTerminator},
 * which does the killing. Thread safe.
 */
final class ExecWaits {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecWaits.class);
    /** The first wait between two exec inspects. */
    static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration MAX_POLL = Duration.ofMillis(500);
    /** The wait between two exec inspects once a wait has lasted the patience: a stuck engine is not pressed. */
    private static final Duration SLOW_POLL = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final DockerControl control;
    private final WorkerExecutor workers;
    private final ProcessTable table;
    private final Duration patience;
    private final Duration startPatience;

    /**
     * @param patience how long Docker may take to take up a start, or to report an exit after KILL
     * @param startPatience how long a process may take to appear once Docker says it is starting it
     */
    ExecWaits(Vertx vertx, DockerControl control, WorkerExecutor workers, ProcessTable table, Duration patience,
              Duration startPatience) {
        this.vertx = vertx;
        this.control = control;
        this.workers = workers;
        this.table = table;
        this.patience = patience;
        this.startPatience = startPatience;
    }

    Duration patience() {
        return patience;
    }

    /**
     * Inspects the exec until it has a pid or an exit code. While Docker says it is starting the process, waits up
     * to the start patience (a process that appears after the broker gave up would run on, unkilled); otherwise
     * (Docker never took the start up) up to the patience.
     */
    Future<ExecState> started(String execId) {
        return awaitStart(execId, System.nanoTime(), FIRST_POLL, false);
    }

    /**
     * The pid Docker reports is not a process of the container in this broker's {@code /proc}: either the process
     * has just exited (Docker records it soon), or the broker does not see the Docker host's pids and cannot signal
     * it. Inspects the exec until Docker reports its exit; fails past the patience.
     */
    Future<ExecState> unseenExited(String execId, ExecState unseen) {
        return awaitUnseen(execId, unseen, System.nanoTime(), FIRST_POLL);
    }

    /**
     * Inspects the exec until Docker reports its exit. Past the patience with Docker still saying it runs, the
     * killed root process itself is looked at: dead (gone, or a zombie its parent has yet to reap) is enough, and
     * the state then has no exit code.
     */
    Future<ExecState> killedExited(String execId, ExecState killed, ProcStat root) {
        return awaitExit(execId, killed, root, System.nanoTime(), FIRST_POLL);
    }

    private Future<ExecState> awaitStart(String execId, long since, Duration wait, boolean warned) {
        return control.inspect(execId).compose(state -> {
            if (state.exited() || state.pid() > 0) {
                return Future.succeededFuture(state);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - since);
            boolean starting = state.running();
            Duration limit = starting ? startPatience : patience;
            if (waited.compareTo(limit) >= 0) {
                return Future.failedFuture("exec " + execId + (starting ? " still starting" : " neither started nor"
                    + " exited") + " (" + limit.toSeconds() + " s)");
            }
            boolean warn = starting && !warned && waited.compareTo(patience) >= 0;
            if (warn) {
                LOG.warn("exec {} has been starting for {} s: waiting up to {} s to kill it once it runs", execId,
                    waited.toSeconds(), startPatience.toSeconds());
            }
            return delay(wait).compose(v -> awaitStart(execId, since, next(wait, waited), warned || warn));
        });
    }

    private Future<ExecState> awaitUnseen(String execId, ExecState unseen, long since, Duration wait) {
        return control.inspect(execId).compose(state -> {
            if (state.exited()) {
                return Future.succeededFuture(state);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - since);
            if (waited.compareTo(patience) < 0) {
                return delay(wait).compose(v -> awaitUnseen(execId, unseen, since, next(wait, waited)));
            }
            return workers.executeBlocking(() -> table.stat(unseen.pid()).isPresent(), false)
                .compose(present -> Future.failedFuture("exec " + execId + " still runs after " + patience.toSeconds()
                    + " s and its pid " + unseen.pid() + (present ? " is a process of another cgroup" : " is no"
                    + " process") + " in this broker's /proc (expected: a process of container "
                    + shortId(unseen.containerId()) + "): it cannot be signalled; run the broker in the Docker host's"
                    + " pid namespace"));
        });
    }

    private Future<ExecState> awaitExit(String execId, ExecState killed, ProcStat root, long since, Duration wait) {
        return control.inspect(execId).compose(state -> {
            if (state.exited()) {
                return Future.succeededFuture(state);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - since);
            if (waited.compareTo(patience) < 0) {
                return delay(wait).compose(v -> awaitExit(execId, killed, root, since, next(wait, waited)));
            }
            return workers.executeBlocking(() -> isDead(root, killed.containerId()), false).compose(dead -> {
                if (!dead) {
                    return Future.failedFuture("exec " + execId + " still runs after KILL (" + patience.toSeconds()
                        + " s)");
                }
                LOG.debug("exec {}: pid {} is dead, Docker has yet to record its exit", execId, killed.pid());
                return Future.succeededFuture(new ExecState(false, killed.pid(), OptionalLong.empty(),
                    killed.containerId()));
            });
        });
    }

    /**
     * Returns true if {@code process} no longer runs as a process of the container: gone, a zombie (dead, its exit not
     * yet collected by its parent, the container runtime), or its pid now names a newer process.
     */
    private boolean isDead(ProcStat process, String containerId) {
        return table.inContainer(process.pid(), containerId).map(now -> !now.sameProcess(process) || now.dead())
            .orElse(true);
    }

    /** The wait after {@code wait}: doubled, up to {@link #MAX_POLL}, or {@link #SLOW_POLL} past the patience. */
    Duration next(Duration wait, Duration waited) {
        if (waited.compareTo(patience) >= 0) {
            return SLOW_POLL;
        }
        Duration doubled = wait.multipliedBy(2);
        return doubled.compareTo(MAX_POLL) < 0 ? doubled : MAX_POLL;
    }

    /** Completes after {@code duration}, on a timer (never a blocked thread). */
    Future<Void> delay(Duration duration) {
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(Math.max(1, duration.toMillis()), id -> promise.complete());
        return promise.future();
    }

    private static String shortId(String containerId) {
        return containerId.substring(0, Math.min(12, containerId.length()));
    }
}
