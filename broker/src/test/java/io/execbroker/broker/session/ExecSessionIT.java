package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.client.ExecClientException;
import io.execbroker.protocol.frame.CloseCodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exec data plane against the real Docker engine, through the Java reference client. */
class ExecSessionIT {
    private static BrokerHarness broker;

    @BeforeAll
    static void start() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    private static int exitCode(ExecClient client) {
        return client.exitCode().orTimeout(30, TimeUnit.SECONDS).join();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void catEchoesStdinAndEndGivesItEof() throws IOException {
        ExecClient client = broker.exec("cat");
        client.stdin().write("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
        client.stdin().close();
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("hello\nworld\n");
        assertThat(exitCode(client)).isZero();
        assertThat(client.closed().join()).isEqualTo(CloseCodes.NORMAL);
        assertThat(client.errors()).isEmpty();
    }

    @Test
    void outputKeepsFlowingAfterStdinEnds() throws IOException {
        ExecClient client = broker.exec("sh", "-c", "cat; sleep 1; echo done");
        client.stdin().write("sent\n".getBytes(StandardCharsets.UTF_8));
        client.stdin().close();
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("sent\ndone\n");
        assertThat(exitCode(client)).isZero();
    }

    @Test
    void ttySessionKeepsItsOutputAfterEnd() throws IOException {
        ExecClient client = broker.execTty("sh", "-c", "cat; sleep 1; echo done");
        client.stdin().write("hi\n".getBytes(StandardCharsets.UTF_8));
        client.stdin().close();
        // The tty echoes the line, cat prints it, Ctrl-D ends cat, and the rest still arrives.
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("hi\r\nhi\r\ndone\r\n");
        assertThat(exitCode(client)).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 200, 255})
    void stoppedCarriesTheExactExitCode(int code) {
        ExecClient client = broker.exec("sh", "-c", "exit " + code);
        assertThat(exitCode(client)).isEqualTo(code);
    }

    @Test
    void processKilledBySignalExitsWith128PlusN() {
        ExecClient client = broker.exec("sh", "-c", "kill -9 $$");
        assertThat(exitCode(client)).isEqualTo(128 + 9);
    }

    @Test
    void stdoutAndStderrStayApartWithoutTty() throws IOException {
        ExecClient client = broker.exec("sh", "-c", "echo out; echo err >&2; exit 1");
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("out\n");
        assertThat(text(client.stderr().readAllBytes())).isEqualTo("err\n");
        assertThat(exitCode(client)).isEqualTo(1);
    }

    @Test
    void everyByteValuePassesBothWays() throws IOException {
        ExecClient client = broker.exec("cat", "-E");
        client.stdin().write(HexFormat.of().parseHex("faff0a"));
        client.stdin().close();
        assertThat(HexFormat.of().formatHex(client.stdout().readAllBytes())).isEqualTo("faff240a");
        assertThat(exitCode(client)).isZero();

        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        ExecClient echo = broker.exec("cat");
        echo.stdin().write(all);
        echo.stdin().close();
        assertThat(echo.stdout().readAllBytes()).isEqualTo(all);
        assertThat(exitCode(echo)).isZero();
    }

    @Test
    void ttySessionThatPrintsNulBytesFirstLosesNothing() throws IOException {
        ExecClient client = broker.execTty("printf", "\\000\\000abc");
        assertThat(HexFormat.of().formatHex(client.stdout().readAllBytes())).isEqualTo("0000616263");
        assertThat(client.stderr().readAllBytes()).isEmpty();
        assertThat(exitCode(client)).isZero();
    }

    @Test
    void resizeBeforeStartIsAppliedToTheTty() throws IOException {
        ExecClient client = broker.connect(ExecClient.Options.defaults().tty(true).command(java.util.List.of(
            "sh", "-c", "until [ \"$(stty size 2>/dev/null)\" = '33 120' ]; do sleep 0.05; done; stty size")));
        client.resize(33, 120);
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("33 120\r\n");
        assertThat(exitCode(client)).isZero();
    }

    @Test
    void resizeWhileRunningResizesTheTty() throws IOException {
        ExecClient client = broker.connect(ExecClient.Options.defaults().tty(true).command(java.util.List.of(
            "sh", "-c", "until [ \"$(stty size 2>/dev/null)\" = '40 100' ]; do sleep 0.05; done; stty size")));
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        client.resize(40, 100);
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("40 100\r\n");
        assertThat(exitCode(client)).isZero();
    }

    @Test
    void resizeWithoutTtyIsAnErrorAndTheSessionGoesOn() throws IOException {
        ExecClient client = broker.exec("cat");
        client.resize(10, 10);
        client.stdin().write("still here\n".getBytes(StandardCharsets.UTF_8));
        client.stdin().close();
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("still here\n");
        assertThat(exitCode(client)).isZero();
        assertThat(client.errors()).containsExactly("cannot resize, not a tty instance");
    }

    @Test
    void unknownClientCodesGetAnErrorAndTheSessionGoesOn() throws IOException {
        ExecClient client = broker.exec("cat");
        client.sendRaw(new byte[] {7, 1, 2});
        client.stdin().write("ok\n".getBytes(StandardCharsets.UTF_8));
        client.stdin().close();
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("ok\n");
        assertThat(exitCode(client)).isZero();
        assertThat(client.errors()).containsExactly("unknown frame type: 7");
    }

    @Test
    void commandThatCannotStartGetsAClearErrorNotStdout() throws IOException {
        ExecClient client = broker.exec("/no/such/binary");
        assertThat(client.stdout().readAllBytes()).isEmpty();
        int code = exitCode(client);
        assertThat(code).isIn(126, 127);
        assertThat(client.errors()).singleElement().asString()
            .startsWith("cannot start /no/such/binary: ")
            .contains("no such file or directory");
    }

    @Test
    void clientThatDropsTheConnectionLeavesNoProcess() {
        String duration = ContainerProcesses.uniqueSleep();
        ExecClient client = broker.exec("sleep", duration);
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> ContainerProcesses.running(broker.docker(), "sleep " + duration));
        client.abort();
        await().atMost(Duration.ofSeconds(5)).until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
    }

    @Test
    void clientThatLeavesBeforeTheStartLeavesNoProcess() {
        String duration = ContainerProcesses.uniqueSleep();
        ExecClient client = broker.exec("sleep", duration);
        client.abort();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
            .until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
    }

    @Test
    void clientThatClosesNormallyLeavesNoProcess() {
        String duration = ContainerProcesses.uniqueSleep();
        ExecClient client = broker.exec("sh", "-c", "sleep " + duration + "; echo never");
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> ContainerProcesses.running(broker.docker(), "sleep " + duration));
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
        assertThatThrownBy(() -> client.exitCode().join()).isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(ExecClientException.class);
    }

    @Test
    void aBadResizeAndAnEmptyMessageGetAnErrorEachAndTheSessionGoesOn() throws IOException {
        ExecClient client = broker.exec("sh", "-c", "cat; exit 5");
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        client.sendRaw(new byte[] {50, 24, 0, 80}); // resize with a 3-byte payload
        client.sendRaw(new byte[0]);
        client.stdin().write("still echoed\n".getBytes(StandardCharsets.UTF_8));
        client.stdin().close();
        assertThat(text(client.stdout().readAllBytes())).isEqualTo("still echoed\n");
        assertThat(exitCode(client)).isEqualTo(5);
        assertThat(client.closed().join()).isEqualTo(CloseCodes.NORMAL);
        assertThat(client.errors()).containsExactly("resize with 3 payload bytes (expected: 4)",
            "empty message (expected: a type byte)");
    }

    @Test
    void childrenThatIgnoreTermDieWithTheParentThatTermKilled() {
        String child = ContainerProcesses.uniqueSleep();
        String parent = ContainerProcesses.uniqueSleep();
        // TERM kills the shell; its subshell ignores TERM and goes to the container's init, out of the shell's tree.
        ExecClient client = broker.exec("sh", "-c", "(trap '' TERM; sleep " + child + ") & sleep " + parent);

        assertLeavesNothingBehind(client, child, parent);
    }

    @Test
    void aSetsidChildThatIgnoresTermDiesWithTheParentThatTermKilled() {
        String child = ContainerProcesses.uniqueSleep();
        String parent = ContainerProcesses.uniqueSleep();
        // The child leaves the exec's session and group before the session ends: only its ancestry ties it to it.
        ExecClient client = broker.exec("sh", "-c", "(trap '' TERM; exec setsid sleep " + child + ") & sleep "
            + parent);

        assertLeavesNothingBehind(client, child, parent);
    }

    @Test
    void aBackgroundProcessWhoseParentExitedLongBeforeIsKilled() {
        String daemon = ContainerProcesses.uniqueSleep();
        String parent = ContainerProcesses.uniqueSleep();
        // The subshell starts it in the background and exits, as nohup or a daemon that forks once would: an orphan
        // of the init, in the exec's session. (The test image's busybox has no nohup.)
        ExecClient client = broker.exec("sh", "-c", "(trap '' TERM; sleep " + daemon + " >/dev/null 2>&1 &);"
            + " sleep " + parent);
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        await("the daemon's parent exited").atMost(Duration.ofSeconds(10)).until(() -> ContainerProcesses
            .mentioning(broker.docker(), daemon).stream().anyMatch(p -> p.args().startsWith("sleep") && p.ppid() == 1));

        assertLeavesNothingBehind(client, daemon, parent);
    }

    @Test
    void teardownLeavesTheContainersOtherProcessesAlone() {
        String other = ContainerProcesses.uniqueSleep();
        String child = ContainerProcesses.uniqueSleep();
        String parent = ContainerProcesses.uniqueSleep();
        // Another exec of the same container, started outside the broker: same cgroup, same init, later start.
        ExecClient client = broker.exec("sh", "-c", "(trap '' TERM; sleep " + child + ") & sleep " + parent);
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        String otherExec = broker.docker().execCreateCmd("servertest").withCmd("sh", "-c", "trap '' TERM; sleep "
            + other + "; :").exec().getId();
        startDetached(otherExec);
        await().atMost(Duration.ofSeconds(10)).until(() -> ContainerProcesses.running(broker.docker(), "sleep " + other));
        try {
            assertLeavesNothingBehind(client, child, parent);

            assertThat(ContainerProcesses.running(broker.docker(), "sleep " + other)).as("the other exec").isTrue();
            assertThat(ContainerProcesses.running(broker.docker(), "/bin/sleep 2147483647")).as("the container's main"
                + " process").isTrue();
        } finally {
            ContainerProcesses.mentioning(broker.docker(), other)
                .forEach(p -> ContainerProcesses.kill(broker.docker(), p.pid()));
        }
    }

    @Test
    void whatACommandLeftRunningWhenItExitedIsKilled() {
        String job = ContainerProcesses.uniqueSleep();
        String daemon = ContainerProcesses.uniqueSleep();
        String other = ContainerProcesses.uniqueSleep();
        String otherExec = broker.docker().execCreateCmd("servertest").withCmd("sh", "-c", "sleep " + other + "; :")
            .exec().getId();
        startDetached(otherExec);
        try {
            // A background job, and a daemon whose parent exited: both outlive the command unless the broker acts.
            ExecClient client = broker.exec("sh", "-c", "trap '' TERM; sleep " + job + " & (trap '' TERM; sleep "
                + daemon + " >/dev/null 2>&1 &); until ps -o args | grep -q '^sleep " + daemon + "'; do :; done;"
                + " exit 3");
            assertThat(exitCode(client)).as("the exit code is the command's own").isEqualTo(3);
            for (String tag : List.of(job, daemon)) {
                await("nothing mentioning " + tag + " left").atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(ContainerProcesses.mentioning(broker.docker(), tag)).isEmpty());
            }
            assertThat(ContainerProcesses.running(broker.docker(), "sleep " + other)).as("another exec").isTrue();
        } finally {
            ContainerProcesses.mentioning(broker.docker(), other)
                .forEach(p -> ContainerProcesses.kill(broker.docker(), p.pid()));
        }
    }

    /** Waits until every tagged process runs, drops the client, and waits until nothing tagged is left. */
    private static void assertLeavesNothingBehind(ExecClient client, String... tags) {
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        for (String tag : tags) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ContainerProcesses.running(broker.docker(), "sleep " + tag));
        }
        client.abort();
        for (String tag : tags) {
            await("nothing mentioning " + tag + " left").atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(ContainerProcesses.mentioning(broker.docker(), tag)).isEmpty());
        }
    }

    private static void startDetached(String execId) {
        try {
            broker.docker().execStartCmd(execId).withDetach(true).exec(new ResultCallback.Adapter<Frame>())
                .awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
