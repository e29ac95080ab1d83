package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.DockerFixture;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up check against the real engine, whose {@code servertest} container runs. */
class HostPidCheckIT {
    private static DockerClient docker;
    private static Vertx vertx;
    private static WorkerExecutor workers;

    @BeforeAll
    static void connect() {
        docker = DockerFixture.connect();
        vertx = Vertx.vertx();
        workers = vertx.createSharedWorkerExecutor("host-pid-check-it", 1);
    }

    @AfterAll
    static void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
        docker.close();
    }

    @Test
    void aBrokerInTheHostsPidNamespaceSeesTheContainersProcesses() throws Exception {
        HostPidCheck.Result result = new HostPidCheck(docker, workers, ProcessTable.system()).run()
            .await(30, TimeUnit.SECONDS);

        assertThat(result.verdict()).as(result.detail()).isEqualTo(HostPidCheck.Verdict.VISIBLE);
    }

    @Test
    void aBrokerThatSeesOtherPidsIsToldTeardownCannotWork(@TempDir Path emptyProc) throws Exception {
        // A /proc with no processes in it: what a broker in a pid namespace of its own sees of the host's pids.
        HostPidCheck.Result result = new HostPidCheck(docker, workers, new ProcessTable(emptyProc)).run()
            .await(30, TimeUnit.SECONDS);

        assertThat(result.verdict()).isEqualTo(HostPidCheck.Verdict.INVISIBLE);
        long pid = docker.inspectContainerCmd(DockerFixture.CONTAINER).exec().getState().getPidLong();
        assertThat(result.detail()).contains("container servertest's pid " + pid + " is no process in this broker's"
            + " /proc");
    }
}
