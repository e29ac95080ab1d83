package io.execbroker.broker.docker;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Scans of a container's processes (like {@link ProcessTable#container}), shared by the teardowns that ask at once. A
 * scan reads every {@code /proc} entry, so with a thousand sessions in one container a thousand teardowns each
 * scanning several times read {@code /proc} millions of times (a mass client drop took 14 s, the workers busy
 * reading). Here at most one scan of a container runs at a time; whoever asks while it runs gets the next one,
 * which starts once it ends and serves all of them. Every caller so gets a scan that started after it asked, as
 * if it had run one of its own, which is what the teardown's tracking needs (a scan after its TERM sees what TERM
 * did). Thread safe; each future completes on the caller's context.
 */
final class ContainerScans {
    private final Vertx vertx;
    private final Function<String, List<ProcStat>> scanner;
    private final WorkerExecutor workers;
    /** Per container: the callers waiting for the scan after the one that runs. Guarded by {@code this}. */
    private final Map<String, Promise<List<ProcStat>>> next = new HashMap<>();
    /** The containers a scan of which runs now. Guarded by {@code this}. */
    private final Map<String, Boolean> running = new HashMap<>();

    /** Scans with {@code scanner}, like {@code table::container}, a blocking call, on {@code workers}. */
    ContainerScans(Vertx vertx, WorkerExecutor workers, Function<String, List<ProcStat>> scanner) {
        this.vertx = vertx;
        this.scanner = scanner;
        this.workers = workers;
    }

    /** The processes of {@code containerId}, from a scan that starts after this call. */
    Future<List<ProcStat>> container(String containerId) {
        Context caller = vertx.getOrCreateContext();
        Promise<List<ProcStat>> shared;
        boolean startNow;
        synchronized (this) {
            if (running.containsKey(containerId)) {
                shared = next.computeIfAbsent(containerId, id -> Promise.promise());
                startNow = false;
            } else {
                running.put(containerId, Boolean.TRUE);
                shared = Promise.promise();
                startNow = true;
            }
        }
        if (startNow) {
            scan(containerId, shared);
        }
        Promise<List<ProcStat>> mine = Promise.promise();
        shared.future().onComplete(result -> caller.runOnContext(v -> mine.handle(result)));
        return mine.future();
    }

    private void scan(String containerId, Promise<List<ProcStat>> done) {
        workers.executeBlocking(() -> scanner.apply(containerId), false).onComplete(result -> {
            Promise<List<ProcStat>> waiting;
            synchronized (this) {
                waiting = next.remove(containerId);
                if (waiting == null) {
                    running.remove(containerId);
                }
            }
            done.handle(result);
            if (waiting != null) {
                scan(containerId, waiting);
            }
        });
    }
}
