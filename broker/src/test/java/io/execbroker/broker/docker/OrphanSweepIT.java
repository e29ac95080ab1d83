package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.DockerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweep at a broker's start, against processes of the real fixture container carrying real marks. */
class OrphanSweepIT {
    private static final Duration GRACE = Duration.ofMillis(500);

    private final ProcessTable table = ProcessTable.system();
    private final ExecMark self = ExecMark.of(table).orElseThrow();
    private DockerClient docker;
    private Vertx vertx;
    private WorkerExecutor workers;
    private final List<String> tags = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        docker = DockerFixture.connect();
        vertx = Vertx.vertx();
        workers = vertx.createSharedWorkerExecutor("sweep-it", 2);
    }

    @AfterEach
    void stop() throws Exception {
        for (String tag : tags) {
            for (ContainerProcesses.Row row : ContainerProcesses.mentioning(docker, tag)) {
                ContainerProcesses.kill(docker, row.pid());
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        docker.close();
    }

    /** Starts {@code argv} detached in the fixture container with {@code mark} in its environment. */
    private void run(ExecMark mark, String... argv) {
        String exec = docker.execCreateCmd(DockerFixture.CONTAINER).withCmd(argv).withEnv(List.of(mark.env())).exec()
            .getId();
        docker.execStartCmd(exec).withDetach(true).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<>());
    }

    /** Returns a sleep duration no other process of the container has: the tag of one process. */
    private String tagged() {
        String tag = ContainerProcesses.uniqueSleep();
        tags.add(tag);
        return tag;
    }

    private boolean running(String tag) {
        return !ContainerProcesses.mentioning(docker, tag).isEmpty();
    }

    @Test
    void killsWhatAGoneBrokerLeftAndNothingOfALiveOneOrOfAnotherPidNamespace() throws Exception {
        // A gone broker: this pid with another start time (a newer process took the pid).
        ExecMark gone = new ExecMark(self.pid(), self.startTime() + 1, self.pidNamespace());
        ExecMark otherNamespace = new ExecMark(999_999, 1, self.pidNamespace() + 1);
        String orphan = tagged();
        String stubborn = tagged();
        String live = tagged();
        String foreign = tagged();
        run(gone, "sleep", orphan);
        // TERM ignored, by the shell and by the sleep it starts: only KILL ends them.
        run(gone, "sh", "-c", "trap '' TERM; sleep " + stubborn + " & wait");
        run(self, "sleep", live);
        run(otherNamespace, "sleep", foreign);
        await().atMost(Duration.ofSeconds(20)).until(() -> running(orphan) && running(stubborn) && running(live)
            && running(foreign));

        OrphanSweep.Result result = new OrphanSweep(vertx, docker, workers, table, GRACE, self).run()
            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

        assertThat(result.survived()).isEmpty();
        // Other orphans of the container may be swept too (of a broker JVM a test killed before): not these.
        assertThat(result.killed()).noneMatch(o -> o.mark().equals(self) || o.mark().equals(otherNamespace));
        assertThat(result.killed()).as("the sleep, and the shell and sleep that ignore TERM")
            .filteredOn(o -> o.mark().equals(gone)).hasSize(3);
        assertThat(result.describe()).contains("left by broker pid " + self.pid());
        await().atMost(Duration.ofSeconds(10)).until(() -> !running(orphan) && !running(stubborn));
        assertThat(running(live)).as("a live broker's process").isTrue();
        assertThat(running(foreign)).as("a process of another pid namespace's broker").isTrue();
    }
}
