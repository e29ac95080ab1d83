package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.net.NetClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A teardown waiting for its turn in its container leaves the exec's stdin open: a process that ends at its stdin's
 * EOF ({@code cat}, a shell) must not end by itself before the terminator's turn, or a mass drop's processes all exit
 * at once, which is what deadlocked containerd's shim ({@link ContainerPermits}).
 */
class TeardownTurnIT {
    /** Long enough that the permits stay held while the test looks, however slow a look (a docker exec) is. */
    private static final Duration GRACE = Duration.ofSeconds(8);

    private Vertx vertx;
    private DockerClient docker;
    private WorkerExecutor workers;
    private NetClient streams;
    private DockerExecLauncher launcher;
    private ExecTerminator terminator;
    private Context context;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        DefaultDockerClientConfig config = DockerClients.configFromEnvironment();
        docker = DockerFixture.connect();
        workers = vertx.createSharedWorkerExecutor("teardown-turn-it", 8);
        DockerControl control = new DockerControl(docker, workers);
        DockerEndpoint endpoint = DockerEndpoint.of(config.getDockerHost(), null);
        streams = vertx.createNetClient(endpoint.clientOptions());
        terminator = new ExecTerminator(vertx, control, workers, GRACE);
        launcher = new DockerExecLauncher(control, terminator, streams, endpoint);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        docker.close();
    }

    @Test
    void aTeardownWaitingForItsTurnKeepsStdinOpenSoThatItsProcessDoesNotEndOnItsOwn() throws Exception {
        // Every permit of servertest held by a process that ignores TERM (kept for the grace, then KILL).
        List<ExecHandle> holders = new ArrayList<>();
        List<String> stubborn = new ArrayList<>();
        for (int i = 0; i < ExecTerminator.KILLS_PER_CONTAINER; i++) {
            String sleep = "sleep " + ContainerProcesses.uniqueSleep();
            stubborn.add(sleep);
            holders.add(launch("trap '' TERM; exec " + sleep));
        }
        // Once cat has its EOF, the shell goes on to a sleep of its own: the sign that it ended by itself.
        String after = "sleep " + ContainerProcesses.uniqueSleep();
        ExecHandle waiting = launch("cat; exec " + after);
        for (String sleep : stubborn) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ContainerProcesses.running(docker, sleep));
        }

        String container = docker.inspectContainerCmd(DockerFixture.CONTAINER).exec().getId();
        List<Future<ExecState>> ends = new ArrayList<>();
        onContext(() -> {
            holders.forEach(h -> ends.add(h.terminate()));
            return Future.succeededFuture();
        });
        await("the stubborn ones' teardowns hold every turn").atMost(Duration.ofSeconds(10))
            .until(() -> terminator.turns().holding(container) == ExecTerminator.KILLS_PER_CONTAINER);
        onContext(() -> {
            ends.add(waiting.terminate());
            return Future.succeededFuture();
        });
        await("the last teardown waits for its turn").atMost(Duration.ofSeconds(10))
            .until(() -> terminator.turns().waiting(container) == 1);

        // Held for 4 s within 7 s: true from (nearly) the first look on, while the turns stay taken for 8 s. A shell
        // past its cat is seen within a look and stays until the turns free up, so it fails this.
        await("the waiting teardown's shell not past its cat while the turns are held")
            .during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(7))
            .until(() -> !ContainerProcesses.running(docker, after));
        ExecState last = ends.get(ends.size() - 1).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(last.exitCode()).as("killed at its turn, by TERM: %s", last).hasValue(143);
        for (Future<ExecState> end : ends) {
            assertThat(end.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).exited()).isTrue();
        }
        assertThat(ContainerProcesses.running(docker, after)).isFalse();
        for (String sleep : stubborn) {
            assertThat(ContainerProcesses.running(docker, sleep)).as(sleep).isFalse();
        }
    }

    /** Creates and starts {@code sh -c script} in servertest with stdin attached; returns once it runs. */
    private ExecHandle launch(String script) throws Exception {
        ExecGrant grant = ExecGrant.builder(DockerFixture.CONTAINER, List.of("sh", "-c", script)).build();
        return onContext(() -> launcher.create(grant).compose(id -> launcher.start(id, false)));
    }

    /** Runs {@code task} on the test's one context, as a session's calls run on its event loop; waits for it. */
    private <T> T onContext(Supplier<Future<T>> task) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        context.runOnContext(v -> task.get().onComplete((result, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(result);
            }
        }));
        return done.get(30, TimeUnit.SECONDS);
    }
}
