package io.execbroker.broker.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.EventSettings;
import io.execbroker.broker.testing.WatchTokens;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.SecondEngine;
import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broker on the tests' own second engine ({@link SecondEngine}) while that engine is stopped and started again:
 * what watchers see, and that the broker recovers by itself (exec sessions: {@code docker.DockerFaultsIT}). The
 * shared engine is never touched.
 */
class EventsRestartIT {
    private static final String LABEL = "exec-broker.restart-test";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A watcher learns that Docker is gone within this of dockerd's exit (measured: well under 1 s). */
    private static final Duration LOSS_NOTICED = Duration.ofSeconds(15);
    /** The hub retries at most 8 s apart, so a restarted engine is found again within this. */
    private static final Duration RECOVERED = Duration.ofSeconds(30);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String mine = "evr-" + run;
    private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
    private final List<String> created = new ArrayList<>();
    private BrokerHarness harness;
    private DockerClient docker;
    private WebSocketClient client;

    /** Token "mine" watches the test's container; any exec request is granted in it. */
    private final WatchTokens authorizer = new WatchTokens()
        .watch("mine", WatchTokens.grant("alice", mine, LABEL + "=" + run))
        .execs(request -> ExecGrant.builder(mine, request.requestedCommand()).subject("test").build());

    @BeforeEach
    void start() throws Exception {
        SecondEngine.ensureStarted();
        BrokerSettings settings = BrokerSettings.defaults().withHandshake(BrokerHarness.LENIENT_HANDSHAKES)
            .withEvents(EventSettings.DEFAULTS);
        harness = BrokerHarness.start(settings, authorizer, audit::add, SecondEngine.config());
        docker = harness.docker();
        client = harness.vertx().createWebSocketClient(new WebSocketClientOptions()
            .setMaxMessageSize(1024 * 1024).setMaxFrameSize(1024 * 1024));
        // --init: tini passes SIGTERM on, so that dockerd's stop does not wait out a stop timeout for sleep.
        String id = docker.createContainerCmd(DockerFixture.IMAGE).withName(mine).withCmd("sleep", "600")
            .withLabels(Map.of(LABEL, run)).withStopTimeout(1)
            .withHostConfig(HostConfig.newHostConfig().withInit(true))
            .exec().getId();
        created.add(id);
    }

    @AfterEach
    void stop() throws Exception {
        // A failed test may have left the engine stopped: the next one (and the clean-up) needs it.
        SecondEngine.ensureStarted();
        if (harness == null) {
            return;
        }
        try {
            for (String id : created) {
                docker.removeContainerCmd(id).withForce(true).exec();
            }
        } finally {
            harness.close();
        }
    }

    private WatchRecorder watch(String query) throws Exception {
        return WatchRecorder.connect(client, harness.port(), "/events" + query, "mine", false);
    }

    private static String action(JsonNode event) {
        return event.path("Action").asText().split(":")[0];
    }

    private static List<JsonNode> drain(WatchRecorder recorder) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String json;
        while ((json = recorder.events.poll()) != null) {
            all.add(MAPPER.readTree(json));
        }
        return all;
    }

    /** Returns the events of a catch-up that ends by itself (until in the past), after its close 1000. */
    private List<JsonNode> catchUp(long since, long until) throws Exception {
        WatchRecorder recorder = watch("?since=" + since + "&until=" + until);
        assertThat(recorder.awaitClose().code()).isEqualTo(CloseCodes.NORMAL);
        return drain(recorder);
    }

    @Test
    void watchersAreClosed1011WhenDockerStopsNewWatchesGet503UntilItIsBackAndItsOldEventsAreGone() throws Exception {
        WatchRecorder watcher = watch("");
        docker.startContainerCmd(mine).exec();
        JsonNode started = watcher.until("start", mine).get(0);
        assertThat(action(started)).as("the first event the watcher sees").isEqualTo("start");
        long startNano = started.path("timeNano").asLong();
        // Before the restart Docker holds that start for a catch-up.
        long untilBefore = startNano + 1;
        assertThat(catchUp(startNano - 1, untilBefore)).extracting(e -> e.path("timeNano").asLong())
            .containsExactly(startNano);

        long stopping = System.nanoTime();
        SecondEngine.stop();
        long stopped = System.nanoTime();
        WatchRecorder.Close close = watcher.closed.get(LOSS_NOTICED.toSeconds(), TimeUnit.SECONDS);
        long noticedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        // dockerd stops the container on its way out, and the watcher may get those events before the end.
        List<JsonNode> beforeLoss = new ArrayList<>(List.of(started));
        beforeLoss.addAll(drain(watcher));
        long lastNano = beforeLoss.get(beforeLoss.size() - 1).path("timeNano").asLong();
        assertThat(close.code()).isEqualTo(CloseCodes.INTERNAL_ERROR);
        assertThat(close.reason()).isEqualTo("Docker is unreachable; resume with since=" + lastNano);
        System.out.printf("EventsRestartIT: stop took %d ms; watcher closed %d ms after dockerd exited; events before"
            + " the loss: %s%n", TimeUnit.NANOSECONDS.toMillis(stopped - stopping), noticedMillis,
            beforeLoss.stream().map(EventsRestartIT::action).toList());

        String refused = RawHandshake.send(harness.port(), "/events", "Authorization: Bearer mine");
        // Not the socket path the failure names: that is the deployment's, not the client's.
        assertThat(refused).startsWith("HTTP/1.1 503 ").endsWith("{\"error\":\"Docker is unreachable\"}");
        assertThat(audit).filteredOn(r -> r.status() == 503).hasSize(1);

        SecondEngine.start();
        long back = System.nanoTime();
        AtomicReference<WatchRecorder> again = new AtomicReference<>();
        await().atMost(RECOVERED).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() -> {
                again.set(watch(""));
                return true;
            });
        System.out.printf("EventsRestartIT: a new watch was accepted %d ms after the engine answered again%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
        docker.startContainerCmd(mine).exec();
        JsonNode restarted = again.get().until("start", mine).get(0);
        long restartedNano = restarted.path("timeNano").asLong();

        // Docker keeps its events in memory only: after the restart it holds none from before, not even the start
        // it gave a catch-up with the same query a moment ago. Resuming since the last timeNano therefore gets
        // only what happened after the restart, exactly what the new watcher saw.
        assertThat(catchUp(startNano - 1, untilBefore)).as("the same catch-up after the restart").isEmpty();
        List<JsonNode> resumed = catchUp(lastNano, restartedNano + 1);
        assertThat(resumed).extracting(e -> e.path("timeNano").asLong()).containsExactly(restartedNano);
        assertThat(resumed).extracting(EventsRestartIT::action).containsExactly("start");
        assertThat(harness.broker().events().upstreamOpens()).as("the hub opened again by itself").isGreaterThan(1);
        again.get().socket.close();
    }
}
