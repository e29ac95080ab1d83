package io.execbroker.broker.docker;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Kills the process of an exec whose session ended before it did (DESIGN.md §8). Docker has no exec-kill call and
 * closing the stream does not stop the process, so the broker signals it itself: TERM to the process and all its
 * descendants, a grace period, then KILL to what is left, and finally exec inspect until Docker says it is gone.
 * A process Docker is still starting is waited for, however slow the container runtime, and killed once it runs.
 *
 * <p>The pid Docker reports is in the Docker host's pid namespace, so the broker must run there (on the host, or
 * with {@code hostPID}). Before signalling, the process's cgroup must name the exec's container, so a recycled
 * pid is never signalled. Thread safe.
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

    private final Vertx vertx;
    private final DockerControl control;
    private final WorkerExecutor workers;
    private final Duration grace;
    private final Duration patience;
    private final Duration startPatience;

    public ExecTerminator(Vertx vertx, DockerControl control, WorkerExecutor workers, Duration grace) {
        this(vertx, control, workers, grace, PATIENCE, START_PATIENCE);
    }

    ExecTerminator(Vertx vertx, DockerControl control, WorkerExecutor workers, Duration grace, Duration patience,
                   Duration startPatience) {
        this.vertx = vertx;
        this.control = control;
        this.workers = workers;
        this.grace = grace;
        this.patience = patience;
        this.startPatience = startPatience;
    }

    /**
     * Kills the process of exec {@code execId}; completes once Docker says it has exited, or once the killed process
     * is verifiably dead while Docker has yet to record its exit (then with no exit code).
     */
    public Future<ExecState> terminate(String execId) {
        return awaitStart(execId, System.nanoTime(), FIRST_POLL, false).compose(state -> {
            if (state.exited()) {
                return Future.succeededFuture(state);
            }
            return signal(state.pid(), state.containerId(), false)
                .compose(v -> delay(grace))
                .compose(v -> signal(state.pid(), state.containerId(), true))
                .compose(v -> awaitExit(execId, state, System.nanoTime(), FIRST_POLL));
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
     * process {@code killed} itself is looked at: dead (gone, or a zombie its parent has yet to reap) is enough.
     */
    private Future<ExecState> awaitExit(String execId, ExecState killed, long since, Duration wait) {
        return control.inspect(execId).compose(state -> {
            if (state.exited()) {
                return Future.succeededFuture(state);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - since);
            if (waited.compareTo(patience) < 0) {
                return delay(wait).compose(v -> awaitExit(execId, killed, since, next(wait, waited)));
            }
            return workers.executeBlocking(() -> isDead(killed.pid(), killed.containerId()), false).compose(dead -> {
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

    /** The wait after {@code wait}: doubled, up to {@link #MAX_POLL}, or {@link #SLOW_POLL} past the patience. */
    private Duration next(Duration wait, Duration waited) {
        if (waited.compareTo(patience) >= 0) {
            return SLOW_POLL;
        }
        Duration doubled = wait.multipliedBy(2);
        return doubled.compareTo(MAX_POLL) < 0 ? doubled : MAX_POLL;
    }

    /** Sends TERM (or KILL) to {@code pid} and its descendants, if it is still the exec's process. */
    private Future<Void> signal(long pid, String containerId, boolean kill) {
        return workers.executeBlocking(() -> {
            ProcessHandle process = ProcessHandle.of(pid).orElse(null);
            if (process == null) {
                return null;
            }
            if (!inContainer(pid, containerId)) {
                LOG.debug("pid {} is not in container {}", pid, containerId);
                if (!kill) {
                    throw new IllegalStateException("pid " + pid + " is not visible as a process of container "
                        + containerId.substring(0, Math.min(12, containerId.length()))
                        + ": run the broker in the Docker host's pid namespace");
                }
                return null;
            }
            for (ProcessHandle target : topDown(process)) {
                if (kill) {
                    target.destroyForcibly();
                } else {
                    target.destroy();
                }
            }
            return null;
        }, false);
    }

    /**
     * Returns {@code root} and its descendants, parents before their children. Signalled in this order, a parent is
     * gone before its child dies, so a shell cannot start a new child in reply (a child killed first can be replaced
     * by one no snapshot knows, which the parent's death then leaves running).
     */
    static List<ProcessHandle> topDown(ProcessHandle root) {
        Map<Long, List<ProcessHandle>> children = new HashMap<>();
        root.descendants().forEach(p -> p.parent()
            .ifPresent(parent -> children.computeIfAbsent(parent.pid(), k -> new ArrayList<>()).add(p)));
        List<ProcessHandle> order = new ArrayList<>();
        order.add(root);
        for (int i = 0; i < order.size(); i++) {
            order.addAll(children.getOrDefault(order.get(i).pid(), List.of()));
        }
        return order;
    }

    /**
     * Returns true if {@code pid} no longer runs as a process of the container: gone, a zombie (dead, its exit not yet
     * collected by its parent, the container runtime), or a recycled pid in another cgroup.
     */
    static boolean isDead(long pid, String containerId) {
        if (ProcessHandle.of(pid).isEmpty() || !inContainer(pid, containerId)) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ...: comm may hold spaces and parentheses, so the state follows the last ')'.
            int end = stat.lastIndexOf(')');
            char state = end > 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true; // the /proc entry went away: the process is gone
        }
    }

    private static boolean inContainer(long pid, String containerId) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")).contains(containerId);
        } catch (IOException e) {
            return false;
        }
    }

    private Future<Void> delay(Duration duration) {
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(Math.max(1, duration.toMillis()), id -> promise.complete());
        return promise.future();
    }
}
