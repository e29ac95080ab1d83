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
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker as deploy/systemd/exec-broker.service runs it: a non-root user (10001) in the Docker socket's group,
 * started here with {@code setpriv} (systemd need not be PID 1). With ambient CAP_KILL as its only capability, the
 * unit's setting, it kills the root-owned process of a session whose client left; without it, it cannot, which is
 * why the unit asks for it. Needs root (to switch user) and util-linux's setpriv.
 */
class NonRootBrokerIT {
    private static final Path JAR = Path.of("target", "exec-broker.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)/exec");
    private static final String AUDIENCE = "exec-broker-nonroot-it";
    private static final byte[] SECRET = ("nonroot-it-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

    private final List<String> log = new CopyOnWriteArrayList<>();
    private DockerClient docker;
    private Path dir;
    private Process broker;
    private String leftover;

    @BeforeEach
    void setUp() throws IOException {
        docker = DockerFixture.connect();
        dir = Files.createTempDirectory("exec-broker-nonroot-it");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(dir.resolve("jwt-secret"), SECRET);
        Files.setPosixFilePermissions(dir.resolve("jwt-secret"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(60, TimeUnit.SECONDS);
        }
        if (leftover != null) { // what the broker without CAP_KILL could not kill
            for (ContainerProcesses.Row row : ContainerProcesses.mentioning(docker, leftover)) {
                ContainerProcesses.kill(docker, row.pid());
            }
        }
        Files.deleteIfExists(dir.resolve("jwt-secret"));
        Files.deleteIfExists(dir);
        docker.close();
    }

    @Test
    void withAmbientCapKillTheNonRootBrokerKillsTheRootProcessOfAClientThatLeft() throws Exception {
        URI uri = start(List.of("--inh-caps=+kill", "--ambient-caps=+kill", "--bounding-set=-all,+kill"));
        String duration = sessionWhoseClientLeaves(uri);
        await().atMost(Duration.ofSeconds(30)).until(() -> !ContainerProcesses.running(docker, "sleep " + duration));
        assertThat(ended(duration)).contains("\"teardown\":\"confirmed\"");
    }

    @Test
    void withoutCapKillTheNonRootBrokerCannotKillItAndSaysSo() throws Exception {
        URI uri = start(List.of("--inh-caps=-all", "--bounding-set=-all"));
        String duration = sessionWhoseClientLeaves(uri);
        leftover = "sleep " + duration;
        assertThat(ended(duration)).contains("\"teardown\":\"unconfirmed\"", "still run after KILL");
        assertThat(ContainerProcesses.running(docker, "sleep " + duration)).as("the process runs on").isTrue();
    }

    /** Starts the jar as uid 10001 in the socket's group with {@code caps} (setpriv options); returns its URI. */
    private URI start(List<String> caps) throws Exception {
        assertThat(new com.sun.security.auth.module.UnixSystem().getUid()).as("this test switches user: run it as root")
            .isZero();
        int socketGroup = (Integer) Files.getAttribute(Path.of("/var/run/docker.sock"), "unix:gid");
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=10001", "--regid=10001",
            "--groups=" + socketGroup));
        argv.addAll(caps);
        argv.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
            JAR.toAbsolutePath().toString(), "serve", "--listen", "127.0.0.1:0",
            "--jwt-secret-file", dir.resolve("jwt-secret").toString(), "--jwt-audience", AUDIENCE));
        broker = new ProcessBuilder(argv).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> readLog(port), "nonroot-broker-log");
        reader.setDaemon(true);
        reader.start();
        return URI.create("ws://127.0.0.1:" + port.get(60, TimeUnit.SECONDS) + "/exec");
    }

    /** Runs {@code sleep} (as root in servertest) and closes the client once it runs; returns the sleep's duration. */
    private String sessionWhoseClientLeaves(URI uri) throws Exception {
        String duration = ContainerProcesses.uniqueSleep();
        List<String> argv = List.of("sleep", duration);
        String token = JWT.create().withAudience(AUDIENCE).withExpiresAt(Instant.now().plusSeconds(60))
            .withJWTId(UUID.randomUUID().toString())
            .withClaim("exec", Map.of("container", DockerFixture.CONTAINER, "command", argv, "subject", "nonroot-it"))
            .sign(Algorithm.HMAC256(SECRET));
        ExecClient client = ExecClient.connect(uri, ExecClient.Options.defaults().token(token).command(argv))
            .get(30, TimeUnit.SECONDS);
        client.started().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ContainerProcesses.running(docker, "sleep " + duration));
        client.close();
        return duration;
    }

    /** Awaits and returns the {@code ended} audit record of the session running {@code sleep duration}. */
    private String ended(String duration) {
        String argv = "\"argv\":[\"sleep\",\"" + duration + "\"]";
        await().atMost(Duration.ofSeconds(60)).until(() -> log.stream()
            .anyMatch(line -> line.contains("\"outcome\":\"ended\"") && line.contains(argv)));
        return log.stream().filter(line -> line.contains("\"outcome\":\"ended\"") && line.contains(argv)).findFirst()
            .orElseThrow();
    }

    private void readLog(CompletableFuture<Integer> port) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
            port.completeExceptionally(new IllegalStateException("the broker ended before listening: " + log));
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
    }
}
