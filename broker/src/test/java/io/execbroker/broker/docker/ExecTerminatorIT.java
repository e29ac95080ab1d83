package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.DockerFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Teardown against a container runtime that stalls, on the real engine: the containerd shim of a container of this
 * test's own is frozen (SIGSTOP) and thawed, as a runtime overwhelmed by a hundred sessions ending at once is. The
 * terminator's patience is cut to a second so that the stalls stay short.
 */
class ExecTerminatorIT {
    private static final Duration PATIENCE = Duration.ofSeconds(1);
    private static final Duration GRACE = Duration.ofMillis(500);

    private static DockerClient docker;
    private static Vertx vertx;
    private static WorkerExecutor workers;
    private static DockerControl control;
    private static ExecTerminator terminator;
    private static String container;
    private static long shim;

    @BeforeAll
    static void startContainer() {
        docker = DockerFixture.connect();
        vertx = Vertx.vertx();
        workers = vertx.createSharedWorkerExecutor("terminator-it", 4);
        control = new DockerControl(docker, workers);
        terminator = new ExecTerminator(vertx, control, workers, GRACE, PATIENCE, Duration.ofMinutes(1));
        container = docker.createContainerCmd(DockerFixture.IMAGE)
            .withName("exec-broker-terminator-it-" + ThreadLocalRandom.current().nextInt(1_000_000))
            .withLabels(Map.of("exec-broker.test", "true")).withCmd("sleep", "2147483647").exec().getId();
        docker.startContainerCmd(container).exec();
        shim = ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().orElse("").matches(".*containerd-shim.* -id " + container + "\\b.*"))
            .findFirst().orElseThrow(() -> new AssertionError("no containerd shim runs container " + container))
            .pid();
    }

    @AfterAll
    static void removeContainer() throws Exception {
        if (container != null) {
            if (shim > 0) {
                signalShim("CONT");
            }
            docker.removeContainerCmd(container).withForce(true).exec();
        }
        vertx.close().await(30, TimeUnit.SECONDS);
        docker.close();
    }

    @Test
    void aProcessDockerIsStillStartingIsKilledOnceItRuns() throws Exception {
        String sleep = "sleep " + ContainerProcesses.uniqueSleep();
        String execId = createExec(sleep);
        Future<ExecState> ending;
        signalShim("STOP");
        try {
            CompletableFuture<Void> start = CompletableFuture.runAsync(() -> startDetached(execId));
            await("Docker says it is starting the exec").atMost(Duration.ofSeconds(30))
                .until(() -> inspect(execId), state -> state.running() && state.pid() == 0);

            ending = terminator.terminate(execId);

            // Giving up now would leave the process to run unkilled once the runtime wakes up.
            await("the terminator still waiting past its patience").during(PATIENCE.multipliedBy(3))
                .atMost(PATIENCE.multipliedBy(5)).until(() -> !ending.isComplete());
            assertThat(start).isNotDone();
        } finally {
            signalShim("CONT");
        }
        ExecState end = ending.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(end.exited()).as("Docker reports the exit: %s", end).isTrue();
        assertThat(end.exitCode().getAsLong()).as("killed by TERM or KILL").isIn(143L, 137L);
        assertThat(ContainerProcesses.running(docker, container, sleep)).isFalse();
    }

    @Test
    void aKilledProcessWhoseExitDockerHasNotRecordedIsGoneAllTheSame() throws Exception {
        String sleep = "sleep " + ContainerProcesses.uniqueSleep();
        String execId = createExec(sleep);
        startDetached(execId);
        ExecState running = await().atMost(Duration.ofSeconds(30)).until(() -> inspect(execId), s -> s.pid() > 0);
        ExecState end;
        signalShim("STOP");
        try {
            // TERM kills the process; the frozen shim neither reaps it nor reports its exit to Docker.
            end = terminator.terminate(execId).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            assertThat(end.pid()).isEqualTo(running.pid());
            assertThat(end.exitCode()).as("no exit code from Docker yet").isEmpty();
            assertThat(ProcessTable.system().inContainer(running.pid(), running.containerId()).map(ProcStat::dead)
                .orElse(true)).as("the root is gone or a zombie").isTrue();
        } finally {
            signalShim("CONT");
        }
        await("Docker records the exit once the shim runs again").atMost(Duration.ofSeconds(30))
            .until(() -> inspect(execId).exited());
        assertThat(ContainerProcesses.running(docker, container, sleep)).isFalse();
    }

    @Test
    void aProcessTheBrokerCannotSeeIsAnUnconfirmedTeardownNotAKill(@TempDir Path emptyProc) throws Exception {
        // A /proc with no processes in it: what a broker outside the Docker host's pid namespace sees of its pids.
        ExecTerminator blind = new ExecTerminator(vertx, control, workers, new ProcessTable(emptyProc), GRACE, PATIENCE,
            Duration.ofMinutes(1));
        String sleep = "sleep " + ContainerProcesses.uniqueSleep();
        String execId = createExec(sleep);
        startDetached(execId);
        ExecState running = await().atMost(Duration.ofSeconds(30)).until(() -> inspect(execId), s -> s.pid() > 0);
        try {
            assertThatThrownBy(() -> blind.terminate(execId).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause().hasMessage("exec " + execId + " still runs after 1 s and its pid " + running.pid() + " is no process"
                    + " in this broker's /proc (expected: a process of container " + container.substring(0, 12)
                    + "): it cannot be signalled; run the broker in the Docker host's pid namespace");
            assertThat(ContainerProcesses.running(docker, container, sleep)).isTrue();
        } finally {
            terminator.terminate(execId).await(30, TimeUnit.SECONDS);
        }
    }

    private static String createExec(String commandLine) {
        return docker.execCreateCmd(container).withCmd(commandLine.split(" ")).withAttachStdout(false).exec().getId();
    }

    private static void startDetached(String execId) {
        try {
            docker.execStartCmd(execId).withDetach(true).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ExecState inspect(String execId) throws Exception {
        return control.inspect(execId).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static void signalShim(String signal) throws IOException, InterruptedException {
        // The shell's own kill: no kill binary needed.
        Process kill = new ProcessBuilder(List.of("sh", "-c", "kill -" + signal + " " + shim)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", signal, shim).isZero();
    }
}
