package io.execbroker.broker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.EventSettings;
import io.execbroker.broker.testing.WatchTokens;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.DockerFixture;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code events} command in-process against a real broker and the real engine, with a container of its own. */
class EventsCommandIT {
    private static final String LABEL = "exec-broker.events-cli-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String name = "evt-cli-" + run;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final AtomicReference<Runnable> signal = new AtomicReference<>();
    private final List<String> created = new ArrayList<>();
    private BrokerHarness broker;
    private DockerClient docker;

    /** Token "mine" watches the test's container; any other is refused with 401. */
    private final WatchTokens authorizer = new WatchTokens()
        .watch("mine", WatchTokens.grant("alice", name, LABEL + "=" + run));

    @BeforeEach
    void start() throws Exception {
        broker = BrokerHarness.start(BrokerSettings.defaults().withHandshake(BrokerHarness.LENIENT_HANDSHAKES)
            .withEvents(EventSettings.DEFAULTS), authorizer);
        docker = broker.docker();
    }

    @AfterEach
    void stop() throws Exception {
        for (String id : created) {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
        broker.close();
    }

    private String url() {
        return "ws://127.0.0.1:" + broker.port() + "/events";
    }

    private String startContainer() {
        String id = docker.createContainerCmd(DockerFixture.IMAGE).withName(name).withCmd("sleep", "3600")
            .withLabels(Map.of(LABEL, run)).exec().getId();
        created.add(id);
        docker.startContainerCmd(id).exec();
        return id;
    }

    /** Runs {@code events} with {@code args} on a thread of its own; completes with its exit status. */
    private CompletableFuture<Integer> events(String... args) {
        EventsCommand command = new EventsCommand(new PrintStream(stdout, false, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8), signal::set);
        return CompletableFuture.supplyAsync(() -> new CommandLine(command).execute(args));
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private static String since() {
        return Long.toString(Instant.now().getEpochSecond());
    }

    @Test
    void printsDockersJsonOfTheContainerOneEventPerLineAndExitsZeroOnSigterm() throws Exception {
        String since = since();
        CompletableFuture<Integer> exit = events(url(), "--token", "mine", "--since", since,
            "--filter", "container=" + name + ",event=create,event=start");
        String id = startContainer();
        await().atMost(Duration.ofSeconds(20)).until(() -> out().lines().count() >= 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> signal.get() != null);
        signal.get().run(); // what SIGTERM or SIGINT runs
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines).hasSize(2);
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.toString()).as("as Docker sent it, compact").isEqualTo(line);
            events.add(event);
        }
        assertThat(events).extracting(e -> e.path("Action").asText()).containsExactly("create", "start");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("id").asText()).isEqualTo(id);
            assertThat(e.path("Type").asText()).isEqualTo("container");
            assertThat(e.path("Actor").path("Attributes").path("name").asText()).isEqualTo(name);
            assertThat(e.path("Actor").path("Attributes").path(LABEL).asText()).isEqualTo(run);
            assertThat(e.path("timeNano").asLong()).isPositive();
        });
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void untilInThePastEndsWithZeroAndPrettyIndents() throws Exception {
        String since = since();
        String id = startContainer();
        String until = Long.toString(Instant.now().getEpochSecond() + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().getEpochSecond() > Long.parseLong(until));
        int exit = events(url(), "--token", "mine", "--since", since, "--until", until, "--pretty",
            "--filter", "event=start").get(30, TimeUnit.SECONDS);
        assertThat(exit).as("stderr: %s", stderr).isZero();
        String printed = out();
        assertThat(printed).startsWith("{\n  \"status\" : \"start\",\n  \"id\" : \"" + id + "\"");
        JsonNode event = JSON.readTree(printed);
        assertThat(event.path("Actor").path("Attributes").path("name").asText()).isEqualTo(name);
    }

    @Test
    void aRefusedTokenPrintsTheHttpStatusAndTheBrokersErrorAndExitsOne() throws Exception {
        int exit = events(url(), "--token", "wrong").get(30, TimeUnit.SECONDS);
        assertThat(exit).isEqualTo(EventsCommand.REFUSED);
        assertThat(stderr.toString(StandardCharsets.UTF_8))
            .isEqualTo("exec-broker: refused with HTTP 401: bad token" + System.lineSeparator());
        assertThat(out()).isEmpty();
        assertThat(broker.broker().events().upstreamOpens()).as("no upstream for a refused token").isZero();
    }

    @Test
    void aBrokerThatIsNotThereIsALostWatchWithNoReconnect() throws Exception {
        int exit = events("ws://127.0.0.1:1/events", "--no-reconnect").get(30, TimeUnit.SECONDS);
        assertThat(exit).isEqualTo(EventsCommand.LOST);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).startsWith("exec-broker: cannot connect to ws://127.0.0.1:1/events");
    }

    @Test
    void theJarPrintsEventsAndExitsZeroOnSigterm() throws Exception {
        java.nio.file.Path jar = java.nio.file.Path.of("target", "exec-broker.jar");
        assertThat(jar).as("the shaded jar, built by package").exists();
        String since = since();
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
            jar.toString(), "events", url(), "--token", "mine", "--since", since, "--filter", "event=start").start();
        try {
            java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return lines.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String id = startContainer();
            JsonNode event = JSON.readTree(first.get(60, TimeUnit.SECONDS));
            assertThat(event.path("Action").asText()).isEqualTo("start");
            assertThat(event.path("id").asText()).isEqualTo(id);
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("stderr: %s", errors.get(10, TimeUnit.SECONDS)).isZero();
        } finally {
            process.destroyForcibly();
        }
    }
}
