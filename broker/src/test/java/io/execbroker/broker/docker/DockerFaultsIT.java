package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.policy.CachedContainerLookup;
import io.execbroker.broker.policy.PolicyRules;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.SecondEngine;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broker on the tests' own second engine ({@link SecondEngine}) while that engine is stopped (SIGTERM), killed
 * (SIGKILL) or stalled (SIGSTOP): what live sessions and new handshakes get, what becomes of the processes, and that
 * the broker works again once the engine does, without a restart. The policy names the test's container, so that
 * every handshake asks Docker what that container is before the upgrade. The shared engine is never touched.
 */
class DockerFaultsIT {
    private static final String LABEL = "exec-broker.faults-test";
    /**
     * A live session ends within this of dockerd's exit (SIGKILL) or of its stop's end (SIGTERM): no timer of the
     * broker is involved, the exec's stream ends when dockerd closes it or dies and the exit code's inspect then
     * fails at once (connection refused), so this is slack for a busy 2-core machine (measured: tens of ms).
     */
    private static final Duration SESSION_LOST = Duration.ofSeconds(2);
    /** The broker's bound on a handshake's container lookup (Broker.LOOKUP_TIMEOUT). */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Every handshake is answered within this during a stall: the lookup's bound, and slack for a machine so busy
     * that 200 handshakes took up to 5.5 s to be read and refused (load 12 on 2 cores, other builds); without the
     * bound they wait for Docker (here, for ever; otherwise up to its 30 s call timeout).
     */
    private static final Duration ANSWERED = LOOKUP_TIMEOUT.plusSeconds(5);
    /** Lookups the broker lets wait for Docker at once (Broker.MAX_WAITING_LOOKUPS). */
    private static final int MAX_WAITING_LOOKUPS = 32;
    /** The error frame of a session whose engine went away: no exit code, and no socket path. */
    private static final String LOST = "exit code unknown: Docker is unreachable";
    private static final String UNREACHABLE =
        "{\"error\":\"Docker is unreachable; cannot check the grant against the policy now\"}";
    private static final String FULL = "{\"error\":\"Too many sessions active!\"}";
    private static final String TIMED_OUT =
        "{\"error\":\"Docker did not answer within 5 s; cannot check the grant against the policy now\"}";
    private static final String BUSY = "{\"error\":\"Docker is slow to answer: " + MAX_WAITING_LOOKUPS
        + " container lookups are waiting for it; cannot check the grant against the policy now\"}";
    private static final ProcessTable HOST = ProcessTable.system();

    private final String mine = "flt-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
    /** Grants the requested command in the test's container. */
    private final Authorizer authorizer = request -> Future.succeededFuture(
        ExecGrant.builder(mine, request.requestedCommand()).subject("test").build());
    private BrokerHarness harness;
    private DockerClient docker;
    private String containerId;
    private Vertx clients;

    @BeforeEach
    void start() throws Exception {
        SecondEngine.ensureStarted();
        BrokerSettings settings = BrokerSettings.defaults().withHandshake(BrokerHarness.LENIENT_HANDSHAKES)
            .withPolicy(PolicyRules.ALLOW_ALL.withContainers(List.of(mine)));
        harness = BrokerHarness.start(settings, authorizer, audit::add, SecondEngine.config());
        docker = harness.docker();
        // --init: tini passes dockerd's SIGTERM on to sleep, so a stop does not wait out a stop timeout.
        containerId = docker.createContainerCmd(DockerFixture.IMAGE).withName(mine).withCmd("sleep", "600")
            .withLabels(Map.of(LABEL, "true")).withStopTimeout(1)
            .withHostConfig(HostConfig.newHostConfig().withInit(true)).exec().getId();
        docker.startContainerCmd(containerId).exec();
    }

    @AfterEach
    void stop() throws Exception {
        // A failed test may have left the engine stalled or stopped: the next one (and the clean-up) needs it.
        SecondEngine.resume();
        SecondEngine.ensureStarted();
        if (harness == null) {
            return;
        }
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } finally {
            harness.close();
            if (clients != null) {
                clients.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Also with a policy that names no container (a second broker): its handshake asks Docker nothing, so it is
     * upgraded, and the session ends at once with an error naming Docker and 1011.
     */
    @Test
    void aSessionEndsWithAnErrorAndClose1011WhenDockerStopsAndHandshakesGet503UntilItIsBack() throws Exception {
        try (BrokerHarness open = BrokerHarness.start(BrokerSettings.defaults()
                .withHandshake(BrokerHarness.LENIENT_HANDSHAKES), authorizer, record -> { }, SecondEngine.config())) {
            stopMidSession(open);
        }
    }

    private void stopMidSession(BrokerHarness open) throws Exception {
        ExecClient session = harness.exec("sleep", "600");
        session.started().get(20, TimeUnit.SECONDS);
        AtomicLong closedAt = closedAt(session);

        long stopping = System.nanoTime();
        SecondEngine.stop();
        long exited = System.nanoTime();
        assertSessionLost(session, closedAt, exited);
        assertThat(session.errors()).containsExactly(LOST);
        System.out.printf("DockerFaultsIT: SIGTERM: stop took %d ms; the session closed %d ms after the stop began;"
            + " error %s%n", millis(exited - stopping), millis(closedAt.get() - stopping), session.errors());

        waitOutTheLookupCache();
        assertRefusedWhileDown();
        ExecClient unchecked = open.exec("true");
        assertThat(unchecked.closed().get(10, TimeUnit.SECONDS)).isEqualTo(CloseCodes.INTERNAL_ERROR);
        assertThat(unchecked.errors()).containsExactly("cannot create exec: Docker is unreachable");
        SecondEngine.start();
        // dockerd stopped the container on its way out; a new session works once it runs again.
        docker.startContainerCmd(containerId).exec();
        assertANewSessionWorks();
    }

    /**
     * SIGKILL leaves the container and the exec's process running under containerd-shim: the session ends (1011),
     * its teardown cannot reach Docker and says so, and the process runs on, until the engine is started again,
     * which ends the container (exit 255, not restarted) and every process in it.
     */
    @Test
    void aSessionEndsWith1011WhenDockerIsKilledItsProcessRunsOnUntilTheEngineStartsAgainWhichEndsIt()
            throws Exception {
        String tag = ContainerProcesses.uniqueSleep();
        ExecClient session = harness.exec("sleep", tag);
        session.started().get(20, TimeUnit.SECONDS);
        ProcStat process = await().atMost(Duration.ofSeconds(10)).until(() -> hostProcess(tag), Optional::isPresent)
            .orElseThrow();
        AtomicLong closedAt = closedAt(session);

        SecondEngine.kill();
        long killed = System.nanoTime();
        assertSessionLost(session, closedAt, killed);
        assertThat(session.errors()).containsExactly(LOST);
        AuditRecord ended = await().atMost(Duration.ofSeconds(10)).until(() -> ended(tag), Optional::isPresent)
            .orElseThrow();
        System.out.printf("DockerFaultsIT: SIGKILL: the session closed %d ms after dockerd died; error %s; teardown"
            + " %s%n", millis(closedAt.get() - killed), session.errors(), ended.teardown());
        assertThat(ended.status()).isEqualTo(CloseCodes.INTERNAL_ERROR);
        assertThat(ended.teardown()).hasValueSatisfying(t -> assertThat(t.confirmed()).isFalse());
        assertThat(alive(process)).as("the exec's process, after its teardown gave up, while dockerd is dead")
            .isTrue();
        waitOutTheLookupCache();
        assertRefusedWhileDown();

        SecondEngine.start();
        assertThat(alive(process)).as("the exec's process once the engine is back").isFalse();
        InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(containerId).exec().getState();
        assertThat(state.getRunning()).as("the container restarted").isFalse();
        assertThat(state.getExitCodeLong()).isEqualTo(255L);
        docker.startContainerCmd(containerId).exec();
        assertANewSessionWorks();
    }

    /**
     * dockerd stalled (SIGSTOP) for about 7 s: 200 handshakes at once are all answered 503 within the lookup's
     * bound, the first 32 when it passes and the others at once, and the broker's threads do not grow; a session
     * whose client left during the stall is torn down once Docker answers again.
     */
    @Test
    void handshakesDuringAStallGet503WithinTheBoundNothingPilesUpAndATeardownEndsOnceDockerAnswers()
            throws Exception {
        // The clients on a Vert.x of their own: on the broker's event loop they would slow its answers down.
        clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000));
        assertANewSessionWorks(); // the broker's worker threads exist from now on
        assertThat(handshake(client).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).status())
            .isEqualTo(101);
        String tag = ContainerProcesses.uniqueSleep();
        ExecClient leaving = harness.exec("sleep", tag);
        leaving.started().get(20, TimeUnit.SECONDS);
        ProcStat process = await().atMost(Duration.ofSeconds(10)).until(() -> hostProcess(tag), Optional::isPresent)
            .orElseThrow();
        int threadsBefore = threads();
        long inspectsBefore = inspectsAnswered();

        List<Answer> answers = new ArrayList<>();
        int threadsDuring;
        long resumed;
        long stalled = System.nanoTime();
        SecondEngine.stall();
        try {
            waitOutTheLookupCache();
            leaving.close();
            List<Future<Answer>> pending = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                pending.add(handshake(client));
            }
            for (Future<Answer> answer : pending) {
                answers.add(answer.toCompletionStage().toCompletableFuture()
                    .get(ANSWERED.toMillis() + 5_000, TimeUnit.MILLISECONDS));
            }
            threadsDuring = threads();
            assertThat(ended(tag)).as("the teardown of the session whose client left, during the stall").isEmpty();
            assertThat(alive(process)).isTrue();
        } finally {
            SecondEngine.resume();
            resumed = System.nanoTime();
        }
        long stalledMillis = millis(resumed - stalled);
        long slowest = answers.stream().mapToLong(Answer::millis).max().orElseThrow();
        System.out.printf("DockerFaultsIT: SIGSTOP for %d ms: 200 handshakes answered within %d ms (%d timed out after"
            + " %s ms, %d refused as full); threads %d before, %d during%n", stalledMillis, slowest,
            count(answers, TIMED_OUT), range(answers, TIMED_OUT), count(answers, FULL), threadsBefore, threadsDuring);
        // Handshakes for one container share one lookup (CachedContainerLookup): those that wait for it hold their
        // session slots, so past limits.maxSessions the rest are refused as full, at once. Refused as busy (32
        // lookups waiting) only when they name many containers (BoundedLookupTest).
        assertThat(answers).extracting(Answer::status).containsOnly(503);
        assertThat(answers).extracting(Answer::body).containsAnyOf(TIMED_OUT).allMatch(body -> body.equals(TIMED_OUT)
            || body.equals(FULL) || body.equals(BUSY));
        assertThat(slowest).isLessThanOrEqualTo(ANSWERED.toMillis());
        // The 4 lookup workers and what Vert.x starts lazily; 200 waiting handshakes would take 200.
        assertThat(threadsDuring).isLessThanOrEqualTo(threadsBefore + 8);

        AuditRecord ended = await().atMost(Duration.ofSeconds(20)).until(() -> ended(tag), Optional::isPresent)
            .orElseThrow();
        System.out.printf("DockerFaultsIT: the teardown ended %d ms after dockerd resumed: %s%n",
            millis(System.nanoTime() - resumed), ended.teardown());
        // Nothing piled up on Docker: the 200 handshakes asked it a handful of times, not 200.
        long asked = await().atMost(Duration.ofSeconds(10)).until(() -> inspectsAnswered() - inspectsBefore,
            n -> n >= 1);
        System.out.printf("DockerFaultsIT: the 200 handshakes asked Docker %d times%n", asked);
        assertThat(asked).isLessThanOrEqualTo(MAX_WAITING_LOOKUPS);
        assertThat(ended.teardown()).hasValueSatisfying(t -> assertThat(t.confirmed()).isTrue());
        assertThat(alive(process)).isFalse();
        assertANewSessionWorks();
        assertThat(threads()).isLessThanOrEqualTo(threadsBefore + 8);
    }

    /** A handshake's answer: its status (101 when upgraded), the body of a refusal, and how long it took. */
    private record Answer(int status, String body, long millis) {
    }

    private Future<Answer> handshake(WebSocketClient client) {
        long began = System.nanoTime();
        return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(harness.port())
                .setURI("/exec?command=true").setAllowOriginHeader(false))
            .map(ws -> {
                ws.close();
                return new Answer(101, "", millis(System.nanoTime() - began));
            })
            .recover(failure -> failure instanceof UpgradeRejectedException refused
                ? Future.succeededFuture(new Answer(refused.getStatus(), refused.getBody() == null ? ""
                    : refused.getBody().toString(StandardCharsets.UTF_8), millis(System.nanoTime() - began)))
                : Future.failedFuture(failure));
    }

    private static long count(List<Answer> answers, String body) {
        return answers.stream().filter(a -> a.body().equals(body)).count();
    }

    private static String range(List<Answer> answers, String body) {
        java.util.LongSummaryStatistics took = answers.stream().filter(a -> a.body().equals(body))
            .mapToLong(Answer::millis).summaryStatistics();
        return took.getMin() + "-" + took.getMax();
    }

    /** Container inspects the broker made that Docker has answered (or failed), from its metrics. */
    private long inspectsAnswered() {
        return harness.broker().metrics().registry().find("exec_broker_docker_api_duration")
            .tag("operation", "container_inspect").timers().stream().mapToLong(t -> t.count()).sum();
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /**
     * Lets the answer that the broker's lookup cache keeps for the test's container expire. Within its TTL after the
     * last lookup, a handshake is upgraded without asking Docker, and a session whose Docker is gone ends as one
     * under a policy with no container rule does (error, 1011). The TTL is time itself: there is nothing to poll.
     */
    private static void waitOutTheLookupCache() throws InterruptedException {
        Thread.sleep(CachedContainerLookup.TTL.toMillis() + 50);
    }

    /** While the engine is down a handshake gets 503 naming Docker, at once (nothing to wait for). */
    private void assertRefusedWhileDown() throws IOException {
        long began = System.nanoTime();
        String refused = RawHandshake.send(harness.port(), "/exec?command=true");
        assertThat(refused).startsWith("HTTP/1.1 503 ").endsWith(UNREACHABLE);
        assertThat(millis(System.nanoTime() - began)).isLessThan(SESSION_LOST.toMillis());
    }

    private void assertANewSessionWorks() throws Exception {
        ExecClient session = harness.exec("sh", "-c", "echo back");
        assertThat(new String(session.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("back\n");
        assertThat(session.exitCode().get(20, TimeUnit.SECONDS)).isZero();
    }

    /** The session closed 1011 within {@link #SESSION_LOST} of {@code since}, with no exit code. */
    private static void assertSessionLost(ExecClient session, AtomicLong closedAt, long since) throws Exception {
        int code = session.closed().get(30, TimeUnit.SECONDS);
        assertThat(code).isEqualTo(CloseCodes.INTERNAL_ERROR);
        // No stopped frame (which would claim an exit code Docker never gave): the exit code fails with the close.
        assertThat(session.exitCode()).failsWithin(Duration.ofSeconds(5));
        assertThat(millis(closedAt.get() - since)).isLessThanOrEqualTo(SESSION_LOST.toMillis());
    }

    private static AtomicLong closedAt(ExecClient session) {
        AtomicLong at = new AtomicLong();
        session.closed().whenComplete((code, failure) -> at.set(System.nanoTime()));
        return at;
    }

    /** The audit record of the end of the session that ran {@code sleep TAG}, if it ended. */
    private Optional<AuditRecord> ended(String tag) {
        return audit.stream().filter(r -> r.outcome().equals("ended")
            && r.grant().map(g -> g.command().equals(List.of("sleep", tag))).orElse(false)).findFirst();
    }

    /** The host's process of the exec {@code sleep TAG} in the test's container, seen in /proc without Docker. */
    private Optional<ProcStat> hostProcess(String tag) {
        return HOST.container(containerId).stream()
            .filter(p -> cmdline(p.pid()).equals("sleep " + tag + " ") && !p.dead()).findFirst();
    }

    private static boolean alive(ProcStat process) {
        return HOST.stat(process.pid()).filter(now -> now.sameProcess(process) && !now.dead()).isPresent();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
                StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
