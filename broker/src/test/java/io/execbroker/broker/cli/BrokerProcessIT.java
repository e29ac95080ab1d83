package io.execbroker.broker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.TestController;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.frame.CloseCodes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runnable jar as a user runs it: {@code serve} behind a controller, {@code exec}, and a stop by SIGTERM. */
class BrokerProcessIT {
    private static final Path JAR = Path.of("target", "exec-broker.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)/exec");

    private TestController controller;
    private Process broker;
    private final List<String> brokerLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    private DockerClient docker;
    private int port;
    private Path auditFile;

    @BeforeEach
    void start() throws Exception {
        assertThat(JAR).as("the shaded jar, built by package").exists();
        docker = DockerFixture.connect();
        controller = TestController.start();
        auditFile = Files.createTempFile("audit", ".jsonl");
        startBroker();
    }

    private void startBroker() throws Exception {
        broker = new ProcessBuilder(java(), "-jar", JAR.toString(), "serve", "--listen", "127.0.0.1:0",
            "--controller-url", controller.url(), "--events-path", "/watch", "--ops-listen", "127.0.0.1:0",
            "--broker-id", "host-1", "--public-url", "ws://host-1.example:8866/exec",
            "--audit-log", auditFile.toString()).redirectErrorStream(true).start();
        Process started = broker;
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> readLog(started, listening), "broker-log");
        reader.setDaemon(true);
        reader.start();
        port = listening.get(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        controller.close();
        docker.close();
    }

    @Test
    void theJarRunsOnNettysNativeEpollTransport() {
        // The shaded jar must carry the epoll library for linux-x86_64; without it the broker falls back to NIO.
        assertThat(brokerLog).anyMatch(line -> line.contains("listening on") && line.contains("native transport"));
    }

    @Test
    void aBrokerKilledWithSigkillLeavesItsProcessAndTheNextStartKillsItAndSaysSo() throws Exception {
        String duration = ContainerProcesses.uniqueSleep();
        ExecClient client = ExecClient.connect(URI.create(wsUrl()), ExecClient.Options.defaults()
            .token(TestController.GOOD_TOKEN).command(List.of("sleep", duration))).get(30, TimeUnit.SECONDS);
        client.started().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> ContainerProcesses.running(docker, "sleep " + duration));

        broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no teardown
        assertThat(ContainerProcesses.running(docker, "sleep " + duration)).as("outlived its broker").isTrue();

        startBroker();
        await().atMost(Duration.ofSeconds(30)).until(() -> !ContainerProcesses.running(docker, "sleep " + duration));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(brokerLog).anyMatch(line -> line.contains("an earlier broker left running when it died")
                && line.contains("(sleep, left by broker pid "));
            assertThat(Files.readString(auditFile)).contains("\"outcome\":\"orphans killed\"");
        });
    }

    @Test
    void theEventsPathFlagMovesTheWatchRoute() throws Exception {
        assertThat(brokerLog).anyMatch(line -> line.contains("listening on") && line.contains("events on /watch"));
        assertThat(RawHandshake.send(port, "/watch")).startsWith("HTTP/1.1 401 ");
        assertThat(RawHandshake.send(port, "/events")).startsWith("HTTP/1.1 404 ")
            .contains("{\"error\":\"not found (the broker serves /exec and /watch)\"}");
    }

    @Test
    void theOpsListenerServesReadinessAndMetricsApartFromTheWebSocketPort() throws Exception {
        String line = brokerLog.stream().filter(l -> l.contains("metrics and probes on")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        int ops = Integer.parseInt(m.group(1));
        assertThat(ops).isNotEqualTo(port);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> ready = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + ops + "/readyz")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        java.net.http.HttpResponse<String> metrics = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + ops + "/metrics")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("exec_broker_sessions_open 0.0").contains("exec_broker_audit_records_dropped_total 0.0")
            .contains("jvm_memory_used_bytes").contains("exec_broker_identity{broker_id=\"host-1\"} 1.0");
        // Which broker of a fleet this is, for whoever probes it.
        java.net.http.HttpResponse<String> health = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + ops + "/healthz")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).isEqualTo(
            "{\"status\":\"ok\",\"broker\":{\"id\":\"host-1\",\"publicUrl\":\"ws://host-1.example:8866/exec\"}}");
        assertThat(brokerLog).anyMatch(l -> l.contains("(broker host-1 at ws://host-1.example:8866/exec, controller mode"));
    }

    @Test
    void execCommandPipesStdinAndExitsWithTheRemoteCode() throws Exception {
        Process exec = new ProcessBuilder(java(), "-jar", JAR.toString(), "exec", wsUrl(),
            "--token", TestController.GOOD_TOKEN, "--", "sh", "-c", "cat; echo err >&2; exit 5").start();
        exec.getOutputStream().write("piped\n".getBytes(StandardCharsets.UTF_8));
        exec.getOutputStream().close();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(exec.getErrorStream()));
        String stdout = readAll(exec.getInputStream());
        assertThat(exec.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stdout).isEqualTo("piped\n");
        assertThat(stderr.get(10, TimeUnit.SECONDS)).isEqualTo("err\n");
        assertThat(exec.exitValue()).isEqualTo(5);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(auditFile).contains("\"outcome\":\"ended\""));
        String audit = Files.readString(auditFile);
        assertThat(audit).contains("\"outcome\":\"accepted\"", "\"subject\":\"alice\"", "\"exitCode\":5",
            "\"bytesIn\":6", "\"argv\":[\"sh\",\"-c\",\"cat; echo err >&2; exit 5\"]");
        assertThat(audit).doesNotContain(TestController.GOOD_TOKEN);
        assertThat(String.join("\n", brokerLog)).doesNotContain(TestController.GOOD_TOKEN);
    }

    @Test
    void execCommandWithARefusedTokenSaysWhyAndExits125() throws Exception {
        String duration = ContainerProcesses.uniqueSleep();
        java.util.Set<String> execsBefore = execIds();
        Process exec = new ProcessBuilder(java(), "-jar", JAR.toString(), "exec", wsUrl(), "--token", "wrong", "--",
            "sleep", duration)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String stderr = readAll(exec.getErrorStream());
        assertThat(exec.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(exec.exitValue()).isEqualTo(ExecCommand.SESSION_FAILED);
        assertThat(stderr).contains("HTTP 403");
        assertThat(ContainerProcesses.running(docker, "sleep " + duration)).as("the controller's 403 runs nothing").isFalse();
        assertThat(execIds()).as("no exec was created").isSubsetOf(execsBefore);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(auditFile).contains("\"outcome\":\"denied\""));
        assertThat(Files.readString(auditFile)).contains("\"status\":403").doesNotContain("wrong");
        assertThat(String.join("\n", brokerLog)).doesNotContain("wrong").doesNotContain(TestController.GOOD_TOKEN);
    }

    @Test
    void sigtermSendsShutdownClosesWith1001KillsProcessesAndExitsZero() throws Exception {
        String duration = ContainerProcesses.uniqueSleep();
        ExecClient client = ExecClient.connect(URI.create(wsUrl()), ExecClient.Options.defaults()
            .token(TestController.GOOD_TOKEN).command(List.of("sleep", duration))).get(30, TimeUnit.SECONDS);
        client.started().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> ContainerProcesses.running(docker, "sleep " + duration));

        broker.destroy(); // SIGTERM
        assertThat(client.closed().get(30, TimeUnit.SECONDS)).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(client.shutdownReceived()).isTrue();
        assertThat(broker.waitFor(30, TimeUnit.SECONDS)).as("broker exits; log:%n%s", String.join("\n", brokerLog)).isTrue();
        assertThat(broker.exitValue()).as("broker exit status; log:%n%s", String.join("\n", brokerLog)).isZero();
        assertThat(ContainerProcesses.running(docker, "sleep " + duration)).isFalse();
    }

    /** Returns the ids of the execs Docker still knows in the fixture container. */
    private java.util.Set<String> execIds() {
        List<String> ids = docker.inspectContainerCmd(DockerFixture.CONTAINER).exec().getExecIds();
        return ids == null ? java.util.Set.of() : java.util.Set.copyOf(ids);
    }

    private String wsUrl() {
        return "ws://127.0.0.1:" + port + "/exec";
    }

    private void readLog(Process process, CompletableFuture<Integer> listening) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                brokerLog.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                }
            }
            listening.completeExceptionally(new IllegalStateException("broker ended before listening: " + brokerLog));
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
