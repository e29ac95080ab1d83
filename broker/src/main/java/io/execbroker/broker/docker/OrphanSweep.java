package io.execbroker.broker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and kills what a broker that died without its teardown (SIGKILL, a crash, a lost host) left running: every
 * process in a running container whose {@link ExecMark} names a broker process that is gone. TERM first, then,
 * after the grace period, KILL to those still there; each signal only if the pid still names that process. A mark
 * of a broker that still runs is never touched, so brokers sharing an engine leave each other's sessions alone.
 * Needs what teardown needs (the host's pid namespace) and to read other users' {@code /proc/PID/environ}
 * (root, or CAP_SYS_PTRACE): a process whose environment cannot be read is not seen. Thread safe.
 */
public final class OrphanSweep {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);
    /** What a sweep did. */
    public record Result(List<Orphan> killed, List<Orphan> survived) {
        public Result {
            killed = List.copyOf(killed);
            survived = List.copyOf(survived);
        }

        /** Returns a line naming each orphan, like {@code container 0123456789ab pid 4242 (sleep)}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            killed.forEach(o -> parts.add(o.describe()));
            survived.forEach(o -> parts.add(o.describe() + " still running after KILL"));
            return String.join(", ", parts);
        }
    }

    /** A process left by a broker that is gone. */
    public record Orphan(String containerId, ProcStat process, ExecMark mark) {
        String describe() {
            return "container " + containerId.substring(0, Math.min(12, containerId.length())) + " pid "
                + process.pid() + " (" + process.comm() + ", left by broker pid " + mark.pid() + ")";
        }
    }

    private final Vertx vertx;
    private final DockerClient docker;
    private final WorkerExecutor workers;
    private final ProcessTable table;
    private final Duration grace;
    private final ExecMark self;

    /** A sweep by the broker whose own mark is {@code self}: marks of other pid namespaces are never judged. */
    public OrphanSweep(Vertx vertx, DockerClient docker, WorkerExecutor workers, ProcessTable table, Duration grace,
                       ExecMark self) {
        this.self = self;
        this.vertx = vertx;
        this.docker = docker;
        this.workers = workers;
        this.table = table;
        this.grace = grace;
    }

    /** Finds the orphans, TERMs them, and KILLs what is left after the grace period; returns immediately. */
    public Future<Result> run() {
        return workers.executeBlocking(this::find, false).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture(new Result(List.of(), List.of()));
            }
            return workers.executeBlocking(() -> signal(found, false), false)
                .compose(left -> left.isEmpty() ? Future.succeededFuture(left)
                    : delay(grace).compose(v -> workers.executeBlocking(() -> signal(left, true), false)))
                .compose(left -> left.isEmpty() ? Future.succeededFuture(left)
                    : delay(Duration.ofSeconds(1)).compose(v -> workers.executeBlocking(() -> alive(left), false)))
                .map(survived -> new Result(found.stream().filter(o -> !survived.contains(o)).toList(), survived));
        });
    }

    /** Says what a sweep did: nothing when it found nothing, WARN and an audit record when it killed, ERROR if it failed. */
    public static void report(io.vertx.core.AsyncResult<Result> swept, AuditLog audit) {
        if (swept.failed()) {
            LOG.error("cannot look for processes an earlier broker left: {}", swept.cause().toString());
            return;
        }
        Result result = swept.result();
        if (result.killed().isEmpty() && result.survived().isEmpty()) {
            return;
        }
        LOG.warn("killed {} process(es) an earlier broker left running when it died: {}", result.killed().size(),
            result.describe());
        audit.record(AuditRecord.orphansKilled(Instant.now(), result.killed().size(), result.describe()));
    }

    private List<Orphan> find() {
        List<Orphan> found = new ArrayList<>();
        for (Container container : docker.listContainersCmd().exec()) {
            for (ProcStat process : table.container(container.getId())) {
                if (process.dead()) {
                    continue;
                }
                table.environ(process.pid()).flatMap(ExecMark::in)
                    .filter(mark -> mark.orphanedFor(self, table))
                    .ifPresent(mark -> found.add(new Orphan(container.getId(), process, mark)));
            }
        }
        return found;
    }

    /** Signals each orphan still there (TERM, or KILL); returns those that were. */
    private List<Orphan> signal(List<Orphan> orphans, boolean kill) {
        List<Orphan> there = alive(orphans);
        for (Orphan orphan : there) {
            ProcessHandle.of(orphan.process().pid()).ifPresent(handle -> {
                if (table.stat(orphan.process().pid()).map(orphan.process()::sameProcess).orElse(false)) {
                    if (kill) {
                        handle.destroyForcibly();
                    } else {
                        handle.destroy();
                    }
                }
            });
        }
        return there;
    }

    private List<Orphan> alive(List<Orphan> orphans) {
        return orphans.stream().filter(o -> table.stat(o.process().pid())
            .map(s -> o.process().sameProcess(s) && !s.dead()).orElse(false)).toList();
    }

    private Future<Void> delay(Duration duration) {
        Promise<Void> done = Promise.promise();
        vertx.setTimer(Math.max(1, duration.toMillis()), id -> done.complete());
        return done.future();
    }
}
