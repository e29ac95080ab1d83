package io.execbroker.broker.docker;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * At most {@code perContainer} tasks at once per container; the others wait their turn, in order. Teardowns take a
 * permit from their TERM until Docker confirms the exit, so that a mass drop (a thousand clients gone at once) ends
 * the processes of one container a few at a time. Why: containerd's shim (1.6.20 here) holds its event lock while it
 * starts an exec and waits for {@code runc exec}'s own exit, and its exit loop, which needs that lock, takes exits from
 * a channel of 32. More than 32 exits while any exec starts in that container deadlock the shim: its goroutine dump
 * shows the start waiting on the reaper, the exit loop on the event lock and every other call on the task lock, and
 * dockerd's API for the container hangs until the shim is killed (four of six 1,000-session drops here, the last two
 * with 32 and 8 permits but every exec's stream closed at once, which ended a thousand cats at their stdin's EOF).
 * A permit frees only once Docker reports the exit, which passes through that same exit loop, so
 * the broker's kills add at most {@code perContainer} exits to the channel in any such window. Exits the broker does
 * not cause (processes that end by themselves) are not paced. Thread safe; each task starts on the context it was
 * asked from.
 */
final class ContainerPermits {
    private final Vertx vertx;
    private final int perContainer;
    /** Guarded by {@code this}. */
    private final Map<String, Integer> running = new HashMap<>();
    /** Guarded by {@code this}. */
    private final Map<String, Deque<Runnable>> waiting = new HashMap<>();

    ContainerPermits(Vertx vertx, int perContainer) {
        if (perContainer < 1) {
            throw new IllegalArgumentException("perContainer: " + perContainer + " (expected: >= 1)");
        }
        this.vertx = vertx;
        this.perContainer = perContainer;
    }

    /** Runs {@code task} once a permit of {@code container} is free; the permit is held until its future ends. */
    <T> Future<T> run(String container, Supplier<Future<T>> task) {
        Context caller = vertx.getOrCreateContext();
        Promise<T> done = Promise.promise();
        Runnable start = () -> caller.runOnContext(v -> {
            Future<T> result;
            try {
                result = task.get();
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            result.onComplete(ar -> {
                release(container);
                done.handle(ar);
            });
        });
        boolean now;
        synchronized (this) {
            int inUse = running.getOrDefault(container, 0);
            now = inUse < perContainer;
            if (now) {
                running.put(container, inUse + 1);
            } else {
                waiting.computeIfAbsent(container, c -> new ArrayDeque<>()).addLast(start);
            }
        }
        if (now) {
            start.run();
        }
        return done.future();
    }

    /** How many tasks of {@code container} hold a permit now. */
    synchronized int holding(String container) {
        return running.getOrDefault(container, 0);
    }

    /** How many tasks of {@code container} wait for a permit now. */
    synchronized int waiting(String container) {
        Deque<Runnable> queue = waiting.get(container);
        return queue == null ? 0 : queue.size();
    }

    private void release(String container) {
        Runnable next;
        synchronized (this) {
            Deque<Runnable> queue = waiting.get(container);
            next = queue == null ? null : queue.pollFirst();
            if (queue != null && queue.isEmpty()) {
                waiting.remove(container);
            }
            if (next == null) {
                int left = running.merge(container, -1, Integer::sum);
                if (left <= 0) {
                    running.remove(container);
                }
            }
        }
        if (next != null) {
            next.run(); // the permit passes on
        }
    }
}
