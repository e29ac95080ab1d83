package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Permits per container, on a real Vert.x context; each task is a promise the test completes. */
class ContainerPermitsTest {
    private final Vertx vertx = Vertx.vertx();
    /** One event loop context for every call, as a session's terminator calls from its own. */
    private final Context context = vertx.getOrCreateContext();
    private final ContainerPermits permits = new ContainerPermits(vertx, 2);
    /** The tasks started so far, by name, in the order they started. */
    private final List<String> started = new ArrayList<>();
    private final List<Promise<String>> tasks = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Asks for a permit from the event loop, as the terminator does, and returns the task's result. */
    private CompletableFuture<String> ask(String container, String name) throws Exception {
        CompletableFuture<CompletableFuture<String>> asked = new CompletableFuture<>();
        context.runOnContext(v -> asked.complete(permits.run(container, () -> {
            Promise<String> task = Promise.promise();
            synchronized (started) {
                started.add(name);
                tasks.add(task);
            }
            return task.future();
        }).toCompletionStage().toCompletableFuture()));
        return asked.get(10, TimeUnit.SECONDS);
    }

    private List<String> startedNow() throws Exception {
        CompletableFuture<List<String>> now = new CompletableFuture<>();
        // Two turns of the context: a task whose permit was freed in the turn before this call is started by then.
        context.runOnContext(v -> context.runOnContext(w -> {
            synchronized (started) {
                now.complete(List.copyOf(started));
            }
        }));
        return now.get(10, TimeUnit.SECONDS);
    }

    private void finish(int task, String result) throws Exception {
        Promise<String> promise;
        synchronized (started) {
            promise = tasks.get(task);
        }
        context.runOnContext(v -> promise.complete(result));
    }

    @Test
    void atMostThePermitsRunAtOnceAndTheOthersStartInOrderAsTheyEnd() throws Exception {
        CompletableFuture<String> a = ask("web", "a");
        ask("web", "b");
        ask("web", "c");
        ask("web", "d");
        assertThat(startedNow()).containsExactly("a", "b");
        assertThat(permits.waiting("web")).isEqualTo(2);

        finish(0, "done a");
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("done a");
        assertThat(startedNow()).containsExactly("a", "b", "c");
        finish(1, "done b");
        assertThat(startedNow()).containsExactly("a", "b", "c", "d");
        assertThat(permits.waiting("web")).isZero();
    }

    @Test
    void eachContainerHasItsOwnPermits() throws Exception {
        ask("web", "web 1");
        ask("web", "web 2");
        ask("web", "web 3");
        ask("db", "db 1");
        assertThat(startedNow()).containsExactly("web 1", "web 2", "db 1");
    }

    @Test
    void aFailedTaskFailsItsCallerAndFreesItsPermit() throws Exception {
        CompletableFuture<String> thrown = new CompletableFuture<>();
        context.runOnContext(v -> permits.<String>run("web", () -> {
            throw new IllegalStateException("no such container");
        }).onComplete(ar -> thrown.complete(ar.cause().getMessage())));
        assertThat(thrown.get(10, TimeUnit.SECONDS)).isEqualTo("no such container");

        CompletableFuture<String> failed = ask("web", "a");
        ask("web", "b");
        ask("web", "c");
        Promise<String> first;
        synchronized (started) {
            first = tasks.get(0);
        }
        context.runOnContext(v -> first.fail("inspect failed"));
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasMessageContaining("inspect failed");
        assertThat(startedNow()).containsExactly("a", "b", "c");
    }

    @Test
    void aPermitCountBelowOneIsRefused() {
        assertThatThrownBy(() -> new ContainerPermits(vertx, 0))
            .hasMessage("perContainer: 0 (expected: >= 1)");
    }
}
