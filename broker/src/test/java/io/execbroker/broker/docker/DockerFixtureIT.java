package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.execbroker.broker.testing.DockerFixture;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the fixture on the real engine through docker-java's control plane. The output is read with
 * docker-java's own attach here only because these are fixture checks; the broker streams with its own client.
 */
class DockerFixtureIT {
    private static DockerClient docker;

    @BeforeAll
    static void connect() {
        docker = DockerFixture.connect();
    }

    @AfterAll
    static void close() throws Exception {
        docker.close();
    }

    @Test
    void servertestRunsFromTheTestImageWithAnInit() {
        InspectContainerResponse container = docker.inspectContainerCmd(DockerFixture.CONTAINER).exec();
        assertThat(container.getState().getRunning()).isTrue();
        assertThat(container.getConfig().getImage()).isEqualTo(DockerFixture.IMAGE);
        assertThat(container.getHostConfig().getInit()).isTrue();
    }

    @Test
    void catEchoesWhatItIsGivenAndTheExitCodeIsExact() throws Exception {
        Output out = exec("sh", "-c", "printf 'hello\\nworld\\n' | cat; echo oops >&2; exit 3");
        assertThat(out.stdout).isEqualTo("hello\nworld\n");
        assertThat(out.stderr).isEqualTo("oops\n");
        assertThat(out.exitCode).isEqualTo(3);
    }

    @Test
    void imageHasBusyboxAppletsAndBash() throws Exception {
        Output out = exec("bash", "-c", "echo \"$BASH_VERSION\" | wc -l; command -v sleep ps wc cat");
        assertThat(out.stdout).startsWith("1\n").contains("/bin/sleep", "/bin/ps", "/bin/wc", "/bin/cat");
        assertThat(out.exitCode).isZero();
    }

    @Test
    void finishedProcessesAreReapedSoPsTellsTheTruth() throws Exception {
        exec("sh", "-c", "sleep 0 & exit 0");
        Output ps = exec("ps", "-o", "stat,comm");
        assertThat(ps.stdout).doesNotContain("Z ");
        assertThat(exec("sh", "-c", "cat /proc/1/comm").stdout).isEqualTo("docker-init\n");
    }

    /** The result of one exec: what it wrote on each stream, and its exit code. */
    private record Output(String stdout, String stderr, long exitCode) {
    }

    private static Output exec(String... command) throws Exception {
        String id = docker.execCreateCmd(DockerFixture.CONTAINER)
            .withCmd(command).withAttachStdout(true).withAttachStderr(true).exec().getId();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        boolean done = docker.execStartCmd(id).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                (frame.getStreamType() == StreamType.STDERR ? stderr : stdout).writeBytes(frame.getPayload());
            }
        }).awaitCompletion(30, TimeUnit.SECONDS);
        assertThat(done).as("exec finished within 30 s").isTrue();
        Long exitCode = docker.inspectExecCmd(id).exec().getExitCodeLong();
        assertThat(exitCode).as("exit code of %s", String.join(" ", command)).isNotNull();
        return new Output(stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8), exitCode);
    }
}
