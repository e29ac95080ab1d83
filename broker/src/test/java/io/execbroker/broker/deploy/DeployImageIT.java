package io.execbroker.broker.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.protocol.client.ExecClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image of {@code deploy/docker/build-image.sh}, run as deploy/docker/README.md says (the Docker socket, the host's
 * pid namespace, uid 0 with CAP_KILL only, a read-only root), in JWT mode: a session runs in servertest through it,
 * and a session whose client leaves has its process killed, which needs the host's pids and CAP_KILL.
 */
class DeployImageIT {
    private static final String IMAGE = "exec-broker-deploy:local";
    private static final String AUDIENCE = "exec-broker-deploy-it";
    private static final byte[] SECRET = ("deploy-it-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

    private static final String NAME = "exec-broker-deploy-it-" + UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> LOG = new CopyOnWriteArrayList<>();
    private static Path config;
    private static Process logs;
    private static DockerClient docker;
    private static URI uri;

    @BeforeAll
    static void start() throws Exception {
        docker = DockerFixture.connect();
        System.out.println(Commands.run(Duration.ofMinutes(10), "deploy/docker/build-image.sh").strip());
        config = Files.createTempDirectory("exec-broker-deploy-it");
        // Readable by the broker's user whatever it is; a test secret.
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(config.resolve("jwt-secret"), SECRET);
        Files.writeString(config.resolve("broker.yaml"), String.join("\n",
            "listen: 0.0.0.0:8866",
            "jwt: {secretFile: /etc/exec-broker/jwt-secret, audience: " + AUDIENCE + "}",
            "policy: {containers: [servertest]}", ""));
        for (String file : List.of("jwt-secret", "broker.yaml")) {
            Files.setPosixFilePermissions(config.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
        long started = System.nanoTime();
        Commands.run(Duration.ofMinutes(1), "docker", "run", "-d", "--name", NAME, "--pid=host",
            "--user", "0:0", "--cap-drop", "ALL", "--cap-add", "KILL", "--security-opt", "no-new-privileges",
            "--read-only", "--tmpfs", "/tmp:rw,exec,nosuid,nodev,size=64m",
            "-v", "/var/run/docker.sock:/var/run/docker.sock", "-v", config + ":/etc/exec-broker:ro",
            "-p", "127.0.0.1::8866", IMAGE);
        logs = new ProcessBuilder("docker", "logs", "-f", NAME).redirectErrorStream(true).start();
        Thread reader = new Thread(DeployImageIT::readLog, "broker-container-log");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> LOG.stream().anyMatch(line -> line.contains("listening on"))
            || !running());
        assertThat(LOG).as("the broker's log").anyMatch(line -> line.contains("listening on 0.0.0.0:8866/exec")
            && line.contains("native transport"));
        System.out.printf("DeployImageIT: %s listening %d ms after docker run%n", IMAGE,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        String port = Commands.run(Duration.ofSeconds(30), "docker", "port", NAME, "8866/tcp").strip();
        uri = URI.create("ws://" + port.lines().findFirst().orElseThrow() + "/exec");
    }

    @AfterAll
    static void stop() throws Exception {
        if (logs != null) {
            logs.destroy();
        }
        Commands.run(Duration.ofMinutes(1), "docker", "rm", "-f", NAME);
        if (config != null) {
            try (var files = Files.list(config)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(config);
        }
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    void aSessionThroughTheImageRunsInTheContainerWithItsOutputAndExitCode() throws Exception {
        ExecClient client = connect(List.of("sh", "-c", "echo from-$(cat); exit 7"));
        client.stdin().write("the-image\n".getBytes(StandardCharsets.UTF_8));
        client.stdin().close();
        assertThat(client.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(new String(client.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from-the-image\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> LOG.stream().anyMatch(line -> line.contains("\"exitCode\":7")));
    }

    @Test
    void theImageSeesTheHostsPidsAndKillsTheProcessOfAClientThatLeft() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> LOG.stream().anyMatch(line -> line.contains("HostPidCheck")));
        assertThat(LOG).anyMatch(line -> line.contains("teardown can see the containers' processes"));
        String duration = ContainerProcesses.uniqueSleep();
        ExecClient client = connect(List.of("sleep", duration));
        client.started().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ContainerProcesses.running(docker, "sleep " + duration));
        client.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> !ContainerProcesses.running(docker, "sleep " + duration));
        await().atMost(Duration.ofSeconds(30)).until(() -> LOG.stream()
            .anyMatch(line -> line.contains("\"outcome\":\"ended\"") && line.contains("sleep\",\"" + duration)));
        assertThat(LOG).filteredOn(line -> line.contains("sleep\",\"" + duration) && line.contains("\"outcome\":\"ended\""))
            .singleElement().asString().contains("\"teardown\":\"confirmed\"");
    }

    private static ExecClient connect(List<String> argv) throws Exception {
        String token = JWT.create().withAudience(AUDIENCE).withExpiresAt(Instant.now().plusSeconds(60))
            .withJWTId(UUID.randomUUID().toString())
            .withClaim("exec", Map.of("container", DockerFixture.CONTAINER, "command", argv, "subject", "deploy-it"))
            .sign(Algorithm.HMAC256(SECRET));
        return ExecClient.connect(uri, ExecClient.Options.defaults().token(token).command(argv))
            .get(30, TimeUnit.SECONDS);
    }

    private static boolean running() {
        return docker.inspectContainerCmd(NAME).exec().getState().getRunning();
    }

    private static void readLog() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(logs.getInputStream(), StandardCharsets.UTF_8))) {
            lines.lines().forEach(LOG::add);
        } catch (java.io.IOException e) {
            LOG.add("reading the log failed: " + e);
        }
    }
}
