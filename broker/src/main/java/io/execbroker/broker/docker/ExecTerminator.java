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
import java.util.function.Predicate;

/**
 * Kills the process of an exec whose session ended before it did (DESIGN.md §8). Docker has no exec-kill call and
 * closing the stream does not stop the process, so the broker signals it itself: TERM to the process and all its
 * descendants, a grace period, then KILL to what is left, and finally exec inspect until Docker says it is gone.
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
    /**
     * How long Docker may take to report a start, or an exit after KILL. A busy engine (a hundred sessions ending at
     * once) reports late, and polls that back off keep the teardowns from adding to its load.
     */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final DockerControl control;
    private final WorkerExecutor workers;
    private final Duration grace;

    public ExecTerminator(Vertx vertx, DockerControl control, WorkerExecutor workers, Duration grace) {
        this.vertx = vertx;
        this.control = control;
        this.workers = workers;
        this.grace = grace;
    }

    /** Kills the process of exec {@code execId}; completes once Docker says it has exited. */
    public Future<ExecState> terminate(String execId) {
        return poll(execId, state -> state.exited() || state.pid() > 0, "neither started nor exited").compose(state -> {
            if (state.exited()) {
                return Future.succeededFuture(state);
            }
            return signal(state.pid(), state.containerId(), false)
                .compose(v -> delay(grace))
                .compose(v -> signal(state.pid(), state.containerId(), true))
                .compose(v -> poll(execId, ExecState::exited, "still runs after KILL"));
        });
    }

    /** Inspects the exec, backing off, until {@code done} holds; fails after {@link #PATIENCE}. */
    private Future<ExecState> poll(String execId, Predicate<ExecState> done, String failure) {
        return poll(execId, done, failure, System.nanoTime() + PATIENCE.toNanos(), FIRST_POLL);
    }

    private Future<ExecState> poll(String execId, Predicate<ExecState> done, String failure, long deadline,
                                   Duration wait) {
        return control.inspect(execId).compose(state -> {
            if (done.test(state)) {
                return Future.succeededFuture(state);
            }
            if (System.nanoTime() - deadline >= 0) {
                return Future.failedFuture("exec " + execId + " " + failure + " (" + PATIENCE.toSeconds() + " s)");
            }
            Duration doubled = wait.multipliedBy(2);
            Duration next = doubled.compareTo(MAX_POLL) < 0 ? doubled : MAX_POLL;
            return delay(wait).compose(v -> poll(execId, done, failure, deadline, next));
        });
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
