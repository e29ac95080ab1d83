package io.execbroker.broker.docker;

import io.execbroker.broker.ops.BrokerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * Kills the process of an exec whose session ended before it did, and everything it started (DESIGN.md §8).
 * Docker has no exec-kill call and closing the stream does not stop the process, so the broker signals it itself:
 * TERM to the exec's processes, a grace period, then KILL to what is left until none is left, and finally exec
 * inspect until Docker says the exec is gone. A process Docker is still starting is waited for, however slow the
 * container runtime, and killed once it runs.
 *
 * <p>The exec's processes are tracked in an {@link ExecTree} from a scan of the container's processes (every
 * {@code /proc} entry whose cgroup names the container, shared by teardowns at once: {@link ContainerScans}) when
 * TERM is sent, again every {@link #TRACK} of the
 * grace period, and at every round of KILL. Each is known by pid and start time, so a pid used again is never
 * signalled. Found are:
 * <ul>
 *   <li>the root (the pid Docker reports) and its descendants at TERM time, also once they are orphans: a child
 *       that ignores TERM is killed even though its parent died of TERM and it went to the container's init;
 *   <li>children they start later, while their parent still lives, and their children;
 *   <li>processes in the root's session or process group, wherever their parent went: what the command had put in
 *       the background ({@code sleep 1000 &} under {@code sh -c}, {@code nohup}, a daemon that forks once and
 *       whose parent exited before the session ended);
 *   <li>a {@code setsid} child, a new session's leader, when it was a descendant at a scan (TERM time or later).
 * </ul>
 * Not found: a process that left the root's session ({@code setsid}) and lost its parent before the TERM scan: a
 * daemon that double-forks and calls setsid, whose intermediate exited before the session ended. It is an orphan
 * of the container's init in a session of its own, and nothing that {@code /proc} keeps ties it to this exec
 * rather than to the container's own processes or another session's exec (they share the cgroup, the init, and
 * the start times after this exec's start); it runs on. So does a process forked in the instant between a KILL
 * round's scan and the KILL of its parent, if it is outside the root's session. Only a container per session
 * contains those.
 *
 * <p>The pid Docker reports is in the Docker host's pid namespace, so the broker must run there (on the host, or
 * with {@code hostPID}); a root it cannot see as a process of the container fails the teardown ("unconfirmed")
 * unless Docker reports the exec's exit. Thread safe.
 */
public final class ExecTerminator {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecTerminator.class);
    /** The first wait between two exec inspects; each wait doubles, up to {@link #MAX_POLL}. */
    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration MAX_POLL = Duration.ofMillis(500);
    /** The wait between two exec inspects once a wait has lasted {@link #PATIENCE}: a stuck engine is not pressed. */
    private static final Duration SLOW_POLL = Duration.ofSeconds(5);
    /**
     * How long Docker may take to take up a start, or to report an exit after KILL. A busy engine (a hundred sessions
     * ending at once) reports late, and polls that back off keep the teardowns from adding to its load.
     */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /**
     * How long a process may take to appear once Docker says it is starting it (running, no pid yet: the container
     * runtime is slow or stuck). It must be killed when it appears, so this wait is long.
     */
    private static final Duration START_PATIENCE = Duration.ofMinutes(10);
    /**
     * The wait between two scans of the container during the grace period: children started in reply to TERM are
     * known before their parent dies and they become orphans, and a tree that TERM killed ends the grace early.
     */
    private static final Duration TRACK = Duration.ofMillis(200);
    /**
     * Teardowns of one container past their TERM at once, until Docker confirms each exit: a mass drop ends its
     * processes this many at a time ({@link ContainerPermits} says why).
     */
    static final int KILLS_PER_CONTAINER = 32;

    private final Vertx vertx;
    private final DockerControl control;
    private final WorkerExecutor workers;
    private final ProcessTable table;
    private final ContainerScans scans;
    private final ContainerPermits permits;
    private final Duration grace;
    private final Duration patience;
    private final Duration startPatience;
    private final BrokerMetrics metrics;

    public ExecTerminator(Vertx vertx, DockerControl control, WorkerExecutor workers, Duration grace) {
        this(vertx, control, workers, grace, BrokerMetrics.inMemory());
    }

    /** Reports each teardown's result and duration to {@code metrics}. */
    public ExecTerminator(Vertx vertx, DockerControl control, WorkerExecutor workers, Duration grace,
                          BrokerMetrics metrics) {
        this(vertx, control, workers, ProcessTable.system(), grace, PATIENCE, START_PATIENCE, metrics);
    }

    ExecTerminator(Vertx vertx, DockerControl control, WorkerExecutor workers, Duration grace, Duration patience,
                   Duration startPatience) {
        this(vertx, control, workers, ProcessTable.system(), grace, patience, startPatience);
    }

    ExecTerminator(Vertx vertx, DockerControl control, WorkerExecutor workers, ProcessTable table, Duration grace,
                   Duration patience, Duration startPatience) {
        this(vertx, control, workers, table, grace, patience, startPatience, BrokerMetrics.inMemory());
    }

    private ExecTerminator(Vertx vertx, DockerControl control, WorkerExecutor workers, ProcessTable table,
                           Duration grace, Duration patience, Duration startPatience, BrokerMetrics metrics) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.control = control;
        this.workers = workers;
        this.table = table;
        this.scans = new ContainerScans(vertx, workers, table::container);
        this.permits = new ContainerPermits(vertx, KILLS_PER_CONTAINER);
        this.grace = grace;
        this.patience = patience;
        this.startPatience = startPatience;
    }

    /**
     * Kills the processes of exec {@code execId}; completes once none is left and Docker says the exec has exited, or
     * once the killed root is verifiably dead while Docker has yet to record its exit (then with no exit code).
     * Fails, "unconfirmed", when it cannot say that the processes are gone.
     */
    public Future<ExecState> terminate(String execId) {
        long started = System.nanoTime();
        String[] result = {"exited"};
        return awaitStart(execId, started, FIRST_POLL, false).compose(state -> {
            if (state.exited()) {
                return Future.succeededFuture(state);
            }
            String container = state.containerId();
            return permits.run(container, () -> workers.executeBlocking(() -> table.inContainer(state.pid(), container),
                    false)
                .compose(root -> root.isPresent() ? kill(execId, state, ExecTree.of(root.get()), result)
                    : awaitUnseen(execId, state, System.nanoTime(), FIRST_POLL)));
        }).andThen(done -> metrics.teardown(done.failed() ? "gave_up" : result[0],
            Duration.ofNanos(System.nanoTime() - started)));
    }

    /**
     * After the exec's own exit, kills what it left running: the processes of the root's session or process group,
     * like {@code sleep 1000 &} under {@code sh -c} or a job a shell left behind (TERM, the grace period, KILL until
     * none is left). Completes with how many there were, or fails if some still run after the patience.
     *
     * <p>The exited root's pid names its session and group as long as any process is in them: Linux does not give
     * a pid to a new process while it is still some process's session or group id. So a process of the container
     * found in that session or group is the exec's, unless all of the exec's left it before this scan and a new
     * process took the pid and made a session of its own in that instant; the scan runs right after the exit to
     * keep that instant short. A process that left the session ({@code setsid}) before the exit is not found.
     *
     * @param exited the exec as Docker reported its exit: the pid it had, and its container
     */
    public Future<Integer> killLeftovers(String execId, ExecState exited) {
        long rootPid = exited.pid();
        String container = exited.containerId();
        if (rootPid <= 0 || container == null) {
            return Future.succeededFuture(0);
        }
        return scans.container(container).map(all -> all.stream()
                .filter(p -> p.pid() != rootPid && !p.dead() && (p.session() == rootPid || p.pgrp() == rootPid))
                .toList())
            .compose(found -> {
                if (found.isEmpty()) {
                    return Future.succeededFuture(0);
                }
                ExecTree tree = ExecTree.leftoversOf(rootPid, found);
                long termAt = System.nanoTime();
                return scan(tree, container, Signal.TERM)
                    .compose(live -> live.isEmpty() ? Future.<Void>succeededFuture() : track(tree, container, termAt))
                    .compose(v -> killUntilGone(execId, tree, container, System.nanoTime(), FIRST_POLL))
                    .map(v -> found.size());
            });
    }

    /** Kills the tree; {@code result[0]} says whether TERM was enough ({@code killed_after_term}) or KILL was sent. */
    private Future<ExecState> kill(String execId, ExecState state, ExecTree tree, String[] result) {
        String container = state.containerId();
        long termAt = System.nanoTime();
        result[0] = "killed_after_term";
        return scan(tree, container, Signal.TERM)
            .compose(live -> live.isEmpty() ? Future.<Void>succeededFuture() : track(tree, container, termAt))
            .compose(v -> scan(tree, container, Signal.KILL))
            .compose(live -> {
                if (live.isEmpty()) {
                    return Future.<Void>succeededFuture();
                }
                result[0] = "killed_after_kill";
                long killAt = System.nanoTime();
                return delay(FIRST_POLL).compose(v -> killUntilGone(execId, tree, container, killAt, FIRST_POLL));
            })
            .compose(v -> awaitExit(execId, state, tree.root(), System.nanoTime(), FIRST_POLL));
    }

    /** Scans the container during the grace period, so that the tree knows every child before its parent dies. */
    private Future<Void> track(ExecTree tree, String container, long termAt) {
        Duration left = grace.minus(Duration.ofNanos(System.nanoTime() - termAt));
        if (left.isNegative() || left.isZero()) {
            return Future.succeededFuture();
        }
        return delay(left.compareTo(TRACK) < 0 ? left : TRACK)
            .compose(v -> scan(tree, container, Signal.NONE))
            .compose(live -> live.isEmpty() ? Future.succeededFuture() : track(tree, container, termAt));
    }

    /**
     * Sends KILL to every live process of the tree, scans again after a wait (a child started before its parent's
     * KILL is found then), and so on until a scan finds none alive; fails if some still live after the patience.
     */
    private Future<Void> killUntilGone(String execId, ExecTree tree, String container, long since, Duration wait) {
        return scan(tree, container, Signal.KILL).compose(live -> {
            if (live.isEmpty()) {
                return Future.succeededFuture();
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - since);
            if (waited.compareTo(patience) >= 0) {
                return Future.failedFuture("exec " + execId + ": " + live.size() + " of its processes still run after"
                    + " KILL (" + patience.toSeconds() + " s): " + describe(live));
            }
            return delay(wait).compose(v -> killUntilGone(execId, tree, container, since, next(wait, waited)));
        });
    }

    /** Scans the container for the tree's processes and sends {@code signal} to the live ones; returns them. */
    private Future<List<ProcStat>> scan(ExecTree tree, String container, Signal signal) {
        // The tree's walk is linear in the container's processes: a worker's job too, not the event loop's.
        return scans.container(container).compose(all -> workers.executeBlocking(() -> {
            List<ProcStat> live = tree.members(all).stream().filter(p -> !p.dead()).toList();
            if (signal != Signal.NONE) {
                live.forEach(p -> send(p, signal));
            }
            return live;
        }, false));
    }

    /**
     * Sends {@code signal} to {@code target} if its pid still names that process: the start time read now is the
     * scan's, and {@link ProcessHandle#destroy} checks its own start time again right before {@code kill(2)}.
     */
    private void send(ProcStat target, Signal signal) {
        ProcessHandle process = ProcessHandle.of(target.pid()).orElse(null);
        if (process == null || !table.stat(target.pid()).map(target::sameProcess).orElse(false)) {
            return; // gone, or its pid now names a newer process
        }
        if (signal == Signal.KILL) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    /**
     * The pid Docker reports is not a process of the container in this broker's {@code /proc}: either the process
     * has just exited (Docker records it soon), or the broker does not see the Docker host's pids and cannot signal
     * it. Inspects the exec until Docker reports its exit; fails past the {@link #patience}.
     */
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

    /**
     * Inspects the exec until it has a pid or an exit code. While Docker says it is starting the process, waits up
     * to {@link #startPatience} (a process that appears after the broker gave up would run on, unkilled); otherwise
     * (Docker never took the start up) up to {@link #patience}.
     */
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

    /**
     * Inspects the exec until Docker reports its exit. Past {@link #patience} with Docker still saying it runs, the
     * killed root process itself is looked at: dead (gone, or a zombie its parent has yet to reap) is enough.
     */
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

    private static String describe(List<ProcStat> processes) {
        StringBuilder text = new StringBuilder();
        for (ProcStat p : processes.subList(0, Math.min(10, processes.size()))) {
            text.append(text.isEmpty() ? "" : ", ").append(p.pid()).append(" (").append(p.comm()).append(", state ")
                .append(p.state()).append(')');
        }
        return processes.size() > 10 ? text + ", ..." : text.toString();
    }

    private static String shortId(String containerId) {
        return containerId.substring(0, Math.min(12, containerId.length()));
    }

    /** The wait after {@code wait}: doubled, up to {@link #MAX_POLL}, or {@link #SLOW_POLL} past the patience. */
    private Duration next(Duration wait, Duration waited) {
        if (waited.compareTo(patience) >= 0) {
            return SLOW_POLL;
        }
        Duration doubled = wait.multipliedBy(2);
        return doubled.compareTo(MAX_POLL) < 0 ? doubled : MAX_POLL;
    }

    /** What a scan sends to the live processes it finds. */
    private enum Signal { NONE, TERM, KILL }

    private Future<Void> delay(Duration duration) {
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(Math.max(1, duration.toMillis()), id -> promise.complete());
        return promise.future();
    }
}
