package io.execbroker.broker.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import io.execbroker.broker.Broker;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.EventSettings;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.WatchTokens;
import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.grant.EventScope;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Watches of the real engine's events through a real broker, with labelled containers of the test's own. */
class EventsIT {
    private static final String LABEL = "exec-broker.events-test";
    /** The watches one subject may hold here: as many as the filter test opens for alice. */
    private static final int MAX_PER_SUBJECT = 6;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String mine = "evt-" + run;
    private final String other = "evt-other-" + run;
    private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
    private final List<String> created = new ArrayList<>();
    private Vertx vertx;
    private Broker broker;
    private DockerClient docker;
    private WebSocketClient client;

    /**
     * Tokens: "mine" watches the test's container, "commands" too and sees exec command lines, "other" only the
     * other container, "exec" is an exec grant.
     */
    private final WatchTokens authorizer = new WatchTokens()
        .watch("mine", WatchTokens.grant("alice", mine, LABEL + "=" + run))
        .watch("commands", new WatchGrant(Optional.of("auditor"),
            new EventScope(List.of(mine), List.of(), Set.of(EventScope.CONTAINER), true)))
        .watch("other", WatchTokens.grant("bob", other, null))
        .refuse("exec", 403, "an exec grant does not allow watching events");

    @BeforeEach
    void start() throws Exception {
        docker = DockerFixture.connect();
        vertx = Vertx.vertx(Broker.vertxOptions().setMaxEventLoopExecuteTime(200)
            .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
        BrokerSettings settings = BrokerSettings.defaults().withPort(0).withHandshake(BrokerHarness.LENIENT_HANDSHAKES)
            .withEvents(EventSettings.DEFAULTS.withMaxWatchersPerSubject(MAX_PER_SUBJECT));
        broker = Broker.start(vertx, settings, authorizer, audit::add).toCompletionStage().toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        // A small receive buffer, so that a watcher that does not read fills the broker's queue soon.
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(4096)
            .setMaxMessageSize(1024 * 1024).setMaxFrameSize(1024 * 1024));
    }

    @AfterEach
    void stop() throws Exception {
        for (String id : created) {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
        broker.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        docker.close();
    }

    private String container(String name, Map<String, String> labels) {
        String id = docker.createContainerCmd(DockerFixture.IMAGE).withName(name).withCmd("sleep", "600")
            .withLabels(labels).exec().getId();
        created.add(id);
        return id;
    }

    private String exec(String id) throws InterruptedException {
        String exec = docker.execCreateCmd(id).withCmd("true").exec().getId();
        docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(20, TimeUnit.SECONDS);
        return exec;
    }

    private WatchRecorder watch(String query, String token) throws Exception {
        return WatchRecorder.connect(client, broker.port(), "/events" + query, token, false);
    }

    private static String action(JsonNode event) {
        return event.path("Action").asText().split(":")[0];
    }

    @Test
    void aScopedWatcherSeesItsContainersLifeAndExecsAndAnotherScopeSeesNoneOfIt() throws Exception {
        String id = container(mine, Map.of(LABEL, run));
        String otherId = container(other, Map.of());
        WatchRecorder watcher = watch("", "mine");
        WatchRecorder stranger = watch("", "other");
        docker.startContainerCmd(id).exec();
        exec(id);
        docker.killContainerCmd(id).withSignal("SIGKILL").exec();
        docker.startContainerCmd(id).exec();
        docker.stopContainerCmd(id).withTimeout(1).exec();

        List<JsonNode> seen = watcher.until("stop", mine);
        assertThat(seen).extracting(EventsIT::action)
            .contains("start", "exec_create", "exec_start", "exec_die", "kill", "die", "stop");
        assertThat(seen).allSatisfy(event -> {
            assertThat(event.path("Type").asText()).isEqualTo("container");
            assertThat(event.path("Actor").path("Attributes").path("name").asText()).isEqualTo(mine);
            assertThat(event.has("timeNano")).isTrue();
        });
        // The stranger's first event is its own container's start, after all of the above: it saw none of them,
        // and no image or network event either.
        docker.startContainerCmd(otherId).exec();
        JsonNode first = stranger.next();
        assertThat(action(first)).isEqualTo("start");
        assertThat(first.path("Actor").path("Attributes").path("name").asText()).isEqualTo(other);
        assertThat(broker.events().upstreamOpens()).as("one shared upstream").isEqualTo(1);
        docker.stopContainerCmd(otherId).withTimeout(1).exec();
    }

    @Test
    void eachFilterKeyNarrowsWhatTheScopeAllows() throws Exception {
        String id = container(mine, Map.of(LABEL, run, "colour", "blue"));
        WatchRecorder byContainer = watch("?filter=container=" + mine, "mine");
        WatchRecorder byImage = watch("?filter=image=" + DockerFixture.IMAGE, "mine");
        WatchRecorder byLabel = watch("?filter=label=colour=blue", "mine");
        WatchRecorder byEvent = watch("?filter=event=die", "mine");
        WatchRecorder byType = watch("?type=container&filter=event=start,event=stop", "mine");
        WatchRecorder nothing = watch("?filter=container=" + mine + ",label=colour=red&filter=event=start,event=die", "mine");
        docker.startContainerCmd(id).exec();
        docker.stopContainerCmd(id).withTimeout(1).exec();
        for (WatchRecorder w : List.of(byContainer, byImage, byLabel, byType)) {
            assertThat(action(w.next())).isEqualTo("start");
        }
        assertThat(action(byEvent.next())).as("event=die skips start and kill").isEqualTo("die");
        assertThat(action(byType.next())).as("start or stop only").isEqualTo("stop");
        assertThat(byContainer.until("stop", mine)).isNotEmpty();
        // label=colour=red never holds: by the time the others saw stop, this one has nothing.
        assertThat(nothing.events).isEmpty();
    }

    @Test
    void badFiltersAreRefusedWith400AndRefusedTokensOpenNoUpstream() throws Exception {
        String bad = RawHandshake.send(broker.port(), "/events?filter=container=web-1,colour=red",
            "Authorization: Bearer mine");
        assertThat(bad).startsWith("HTTP/1.1 400 ").contains("filter: \\\"colour=red\\\" (expected:");
        assertThat(RawHandshake.send(broker.port(), "/events?since=yesterday", "Authorization: Bearer mine"))
            .startsWith("HTTP/1.1 400 ").contains("since: ");
        assertThat(RawHandshake.send(broker.port(), "/events", "Authorization: Bearer wrong")).startsWith("HTTP/1.1 401 ");
        assertThat(RawHandshake.send(broker.port(), "/events")).startsWith("HTTP/1.1 401 ");
        assertThat(RawHandshake.send(broker.port(), "/events", "Authorization: Bearer exec"))
            .startsWith("HTTP/1.1 403 ").contains("an exec grant does not allow watching events");
        assertThat(broker.events().upstreamOpens()).isZero();
        assertThat(audit).extracting(AuditRecord::status).containsExactly(400, 400, 401, 401, 403);
    }

    @Test
    void aSlowWatcherIsClosedWith4003NamingItsLastTimeNanoAndSinceGetsExactlyWhatItMissed() throws Exception {
        // A 64 KiB label makes every event of the container large, so a few dozen fill the queue (256 KiB) and the
        // sockets' buffers (up to 4 MiB here), while Docker still holds the missed ones for since (256 events).
        String id = container(mine, Map.of(LABEL, run, "padding", "x".repeat(64 * 1024)));
        docker.startContainerCmd(id).exec();
        WatchRecorder reference = watch("", "mine");
        RawWatcher slow = new RawWatcher(broker.port(), "/events", "mine");
        String lastExec = null;
        for (int i = 0; i < 80 && !slowEnded(); i++) {
            lastExec = exec(id);
        }
        assertThat(slowEnded()).as("the slow watcher was closed").isTrue();
        lastExec = exec(id);
        RawWatcher.Received got = slow.readAll();
        slow.close();
        assertThat(got.closeCode()).as("close %s after %d messages", got.reason(), got.messages().size()).isEqualTo(CloseCodes.WATCHER_TOO_SLOW);
        List<String> received = got.messages();
        assertThat(received).isNotEmpty();
        long last = timeNano(received.get(received.size() - 1));
        assertThat(got.reason()).isEqualTo("too slow: last timeNano " + last);
        AuditRecord ended = audit.stream().filter(r -> r.outcome().equals("ended")).filter(r -> r.status() == CloseCodes.WATCHER_TOO_SLOW).findFirst().orElseThrow();
        assertThat(ended.status()).as("%s", audit.stream().map(AuditRecord::toJson).toList()).isEqualTo(CloseCodes.WATCHER_TOO_SLOW);
        assertThat(ended.eventsSent()).isEqualTo(received.size());

        // What the reference saw after that timeNano, up to the last exec's end, is exactly what the slow one missed.
        List<String> all = new ArrayList<>();
        String endOfLast = lastExec;
        JsonNode event;
        do {
            event = reference.next();
            all.add(event.toString());
        } while (!(action(event).equals("exec_die")
            && endOfLast.equals(event.path("Actor").path("Attributes").path("execID").asText())));
        long until = event.path("timeNano").asLong();
        List<String> missed = all.stream().filter(json -> timeNano(json) > last).toList();
        assertThat(missed).isNotEmpty();

        WatchRecorder again = watch("?since=" + last + "&until=" + until, "mine");
        assertThat(again.awaitClose().code()).isEqualTo(CloseCodes.NORMAL);
        List<String> caughtUp = new ArrayList<>();
        while (!again.events.isEmpty()) {
            caughtUp.add(again.next().toString());
        }
        assertThat(caughtUp).containsExactlyElementsOf(missed);
    }

    private double watchersGauge() {
        return broker.metrics().registry().get("exec_broker_event_watchers").gauge().value();
    }

    private boolean slowEnded() {
        return audit.stream().anyMatch(r -> r.outcome().equals("ended") && r.status() == CloseCodes.WATCHER_TOO_SLOW);
    }

    private static long timeNano(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("timeNano").asLong();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theUpstreamIsSharedAndAWatcherGoneIsAudited() throws Exception {
        WatchRecorder first = watch("", "mine");
        WatchRecorder second = watch("", "other");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(watchersGauge()).isEqualTo(2));
        first.socket.close();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(audit).filteredOn(r -> r.outcome().equals("ended")).hasSize(1));
        assertThat(audit).filteredOn(r -> r.outcome().equals("accepted")).hasSize(2)
            .allSatisfy(r -> assertThat(r.toJson()).contains("\"events\":{\"containers\":["));
        assertThat(broker.events().upstreamOpens()).isEqualTo(1);
        assertThat(watchersGauge()).isEqualTo(1);
        assertThat(broker.metrics().registry().get("exec_broker_handshakes").tag("route", "events").tag("status", "101")
            .counter().count()).isEqualTo(2);
        assertThat(broker.metrics().registry().get("exec_broker_watches_ended").counter().count()).isEqualTo(1);
        second.socket.close();
    }

    @Test
    void aSubjectPastItsWatchCapGets429AndItsPlaceComesBackWhenAWatchEnds() throws Exception {
        List<WatchRecorder> alices = new ArrayList<>();
        for (int i = 0; i < MAX_PER_SUBJECT; i++) {
            alices.add(watch("", "mine"));
        }
        assertThat(RawHandshake.send(broker.port(), "/events", "Authorization: Bearer mine"))
            .startsWith("HTTP/1.1 429 ").contains("too many watches for this subject");
        // Another subject is not held back by alice's watches.
        WatchRecorder bob = watch("", "other");
        alices.get(0).socket.close();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(RawHandshake.send(broker.port(), "/events", "Authorization: Bearer mine"))
                .startsWith("HTTP/1.1 101 "));
        assertThat(audit).filteredOn(r -> r.status() == 429).first()
            .satisfies(r -> assertThat(r.reason()).isEqualTo("too many watches for this subject"));
        bob.socket.close();
    }

    @Test
    void execEventsLoseTheirCommandLineUnlessTheScopeKeepsIt() throws Exception {
        String id = container(mine, Map.of(LABEL, run));
        docker.startContainerCmd(id).exec();
        String secret = "secret-" + run;
        WatchRecorder plain = watch("", "mine");
        WatchRecorder probing = watch("?filter=event=" + java.net.URLEncoder.encode("exec_start: echo " + secret,
            java.nio.charset.StandardCharsets.UTF_8), "mine");
        WatchRecorder auditor = watch("", "commands");
        String exec = docker.execCreateCmd(id).withCmd("echo", secret).exec().getId();
        docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(20, TimeUnit.SECONDS);
        docker.stopContainerCmd(id).withTimeout(1).exec();

        List<JsonNode> cut = plain.until("stop", mine);
        assertThat(cut).extracting(event -> event.path("Action").asText()).contains("exec_create", "exec_start");
        assertThat(cut).filteredOn(event -> action(event).startsWith("exec_")).allSatisfy(event -> {
            assertThat(event.toString()).doesNotContain(secret);
            assertThat(event.path("status").asText()).isEqualTo(event.path("Action").asText());
            assertThat(event.path("Actor").path("Attributes").path("execID").asText()).isNotEmpty();
        });
        assertThat(auditor.until("stop", mine)).extracting(event -> event.path("Action").asText())
            .contains("exec_create: echo " + secret, "exec_start: echo " + secret);
        // A filter naming the command line cannot tell a watcher that does not see it whether the exec ran.
        assertThat(probing.events).isEmpty();
    }
}
