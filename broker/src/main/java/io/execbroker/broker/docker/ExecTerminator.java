package io.execbroker.broker.docker;

import io.execbroker.broker.ops.BrokerMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.time.Duration;
import java.util.List;

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
 * unless Docker reports the exec's exit. What it waits for from Docker is {@link ExecWaits}. Thread safe.
 */
public final class ExecTerminator {
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
     * processes this many at a time, a quarter of the shim's exit channel of 32 ({@link ContainerPermits} says why).
     */
    static final int KILLS_PER_CONTAINER = 8;

    private final WorkerExecutor workers;
    private final ProcessTable table;
    private final ContainerScans scans;
    private final ContainerPermits permits;
    private final ExecWaits waits;
    private final Duration grace;
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
        this.workers = workers;
        this.table = table;
        this.scans = new ContainerScans(vertx, workers, table::container);
        this.permits = new ContainerPermits(vertx, KILLS_PER_CONTAINER);
        this.waits = new ExecWaits(vertx, control, workers, table, patience, startPatience);
        this.grace = grace;
    }

    /**
     * Kills the processes of exec {@code execId}; completes once none is left and Docker says the exec has exited, or
     * once the killed root is verifiably dead while Docker has yet to record its exit (then with no exit code).
     * Fails, "unconfirmed", when it cannot say that the processes are gone.
     */
    public Future<ExecState> terminate(String execId) {
        return terminate(execId, () -> { });
    }

    /**
     * As {@link #terminate(String)}, and runs {@code atTurn} (on the caller's context) once this teardown's turn in
     * its container has come, right before the first signal, or once Docker has said the exec exited: where the
     * caller closes the exec's stream, whose end may end the process too.
     */
    public Future<ExecState> terminate(String execId, Runnable atTurn) {
        long started = System.nanoTime();
        String[] result = {"exited"};
        return waits.started(execId).compose(state -> {
            if (state.exited()) {
                atTurn.run();
                return Future.succeededFuture(state);
            }
            String container = state.containerId();
            return permits.run(container, () -> {
                atTurn.run();
                return workers.executeBlocking(() -> table.inContainer(state.pid(), container), false)
                    .compose(root -> root.isPresent() ? kill(execId, state, ExecTree.of(root.get()), result)
                        : waits.unseenExited(execId, state));
            });
        }).andThen(done -> metrics.teardown(done.failed() ? "gave_up" : result[0],
            Duration.ofNanos(System.nanoTime() - started)));
    }

    /** The teardowns' turns, per container: for tests. */
    ContainerPermits turns() {
        return permits;
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
                    .compose(v -> killUntilGone(execId, tree, container, System.nanoTime(), ExecWaits.FIRST_POLL))
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
                return waits.delay(ExecWaits.FIRST_POLL)
                    .compose(v -> killUntilGone(execId, tree, container, killAt, ExecWaits.FIRST_POLL));
            })
            .compose(v -> waits.killedExited(execId, state, tree.root()));
    }

    /** Scans the container during the grace period, so that the tree knows every child before its parent dies. */
    private Future<Void> track(ExecTree tree, String container, long termAt) {
        Duration left = grace.minus(Duration.ofNanos(System.nanoTime() - termAt));
        if (left.isNegative() || left.isZero()) {
            return Future.succeededFuture();
        }
        return waits.delay(left.compareTo(TRACK) < 0 ? left : TRACK)
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
            if (waited.compareTo(waits.patience()) >= 0) {
                return Future.failedFuture("exec " + execId + ": " + live.size() + " of its processes still run after"
                    + " KILL (" + waits.patience().toSeconds() + " s): " + describe(live));
            }
            return waits.delay(wait)
                .compose(v -> killUntilGone(execId, tree, container, since, waits.next(wait, waited)));
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

    private static String describe(List<ProcStat> processes) {
        StringBuilder text = new StringBuilder();
        for (ProcStat p : processes.subList(0, Math.min(10, processes.size()))) {
            text.append(text.isEmpty() ? "" : ", ").append(p.pid()).append(" (").append(p.comm()).append(", state ")
                .append(p.state()).append(')');
        }
        return processes.size() > 10 ? text + ", ..." : text.toString();
    }

    /** What a scan sends to the live processes it finds. */
    private enum Signal { NONE, TERM, KILL }
}
