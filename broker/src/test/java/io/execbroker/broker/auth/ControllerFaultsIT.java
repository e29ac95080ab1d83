package io.execbroker.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.StallingController;
import io.execbroker.broker.testing.RawHandshake;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A thousand handshakes through a real broker while its controller is down, and while it stalls: each gets its
 * status and JSON error, the controller never has more than {@code controller.maxInFlight} calls outstanding, no
 * exec is created, and the broker's threads and heap come back to where they were.
 */
class ControllerFaultsIT {
    private static final int HANDSHAKES = 1_000;
    private static final int CLIENTS = 32;
    private static final int MAX_IN_FLIGHT = 8;
    /** Short, so that the stalled calls time out in several waves while the thousand handshakes go on. */
    private static final Duration TIMEOUT = Duration.ofMillis(250);
    /** Threads the broker may hold past its count before the flood (a lazily started pool thread or two). */
    private static final int THREAD_SLACK = 2;
    /** Heap after GC the broker may hold past its figure before the flood. */
    private static final long HEAP_SLACK_BYTES = 16L << 20;

    private final Vertx vertx = Vertx.vertx();
    private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
    private final String tag = ContainerProcesses.uniqueSleep();
    private BrokerHarness broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The JVM's live threads, and its heap in use after a full GC. */
    private record Footprint(int threads, long heapBytes) {
        static Footprint now() {
            ManagementFactory.getMemoryMXBean().gc();
            return new Footprint(ManagementFactory.getThreadMXBean().getThreadCount(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
    }

    private void startBroker(String controllerUrl) throws Exception {
        ControllerAuthorizer authorizer = new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(
            controllerUrl, Optional.of("broker-secret"), null, TIMEOUT, 64 * 1024, MAX_IN_FLIGHT));
        broker = BrokerHarness.start(BrokerSettings.defaults().withLimits(SessionLimits.DEFAULTS)
            .withHandshake(BrokerHarness.LENIENT_HANDSHAKES), authorizer, audit::add,
            DockerClients.configFromEnvironment());
    }

    /**
     * Sends {@code count} handshakes from {@link #CLIENTS} threads at once, and returns how many got each answer,
     * as {@code 503 {"error":"..."}}; the threads are gone when it returns.
     */
    private Map<String, Integer> handshakes(int count) throws Exception {
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            clients.execute(() -> {
                while (next.getAndIncrement() < count) {
                    answers.merge(answer(), 1, Integer::sum);
                }
            });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(120, TimeUnit.SECONDS)).as("handshakes done").isTrue();
        return new TreeMap<>(answers);
    }

    private String answer() {
        try {
            String response = RawHandshake.send(broker.port(), "/exec?command=sleep&command=" + tag,
                "Authorization: Bearer tok-" + tag);
            int bodyAt = response.indexOf("\r\n\r\n");
            String head = bodyAt < 0 ? response : response.substring(0, bodyAt);
            String type = head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json") ? "" : " (not application/json)";
            return head.substring(0, Math.min(12, head.length())).replace("HTTP/1.1 ", "")
                + (bodyAt < 0 ? "" : " " + response.substring(bodyAt + 4)) + type;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that the broker is back to {@code before}: threads at once (awaited), heap after GC. */
    private static void assertBackTo(Footprint before) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Footprint.now().threads())
            .as("live threads, %d before", before.threads()).isLessThanOrEqualTo(before.threads() + THREAD_SLACK));
        Footprint after = Footprint.now();
        System.out.printf("broker JVM: threads %d -> %d, heap after GC %.1f -> %.1f MiB%n", before.threads(),
            after.threads(), before.heapBytes() / 1048576.0, after.heapBytes() / 1048576.0);
        assertThat(after.heapBytes()).as("heap after GC, %d before", before.heapBytes())
            .isLessThanOrEqualTo(before.heapBytes() + HEAP_SLACK_BYTES);
    }

    private void assertNothingRan(Set<String> execsBefore, int handshakes) {
        assertThat(ContainerProcesses.execsMentioning(broker.docker(), execsBefore, tag)).as("execs created").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> audit.size() >= handshakes);
        assertThat(audit.stream().collect(Collectors.groupingBy(AuditRecord::outcome, Collectors.counting())))
            .as("audit records").isEqualTo(Map.of("denied", (long) handshakes));
        assertThat(audit).noneMatch(r -> r.toJson().contains("tok-"));
    }

    @Test
    void aThousandHandshakesWhileTheControllerIsDownGet503AndLeaveNothingBehind() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        startBroker("http://127.0.0.1:" + port + "/controller");
        Set<String> execsBefore = ContainerProcesses.execIds(broker.docker());
        handshakes(CLIENTS * 2); // starts whatever the broker starts lazily, so that the figures before are fair
        Footprint before = Footprint.now();

        long start = System.nanoTime();
        Map<String, Integer> answers = handshakes(HANDSHAKES);
        System.out.printf("controller down: %s in %d ms%n", answers, (System.nanoTime() - start) / 1_000_000);

        // A refused connection still takes a slot for the millisecond it lasts: past the bound, 503 all the same.
        String unreachable = "503 {\"error\":\"the controller is unreachable\"}";
        String full = "503 {\"error\":\"too many controller calls in flight\"}";
        assertThat(answers.keySet()).contains(unreachable).isSubsetOf(unreachable, full);
        assertThat(answers.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(HANDSHAKES);
        assertBackTo(before);
        assertNothingRan(execsBefore, HANDSHAKES + CLIENTS * 2);
    }

    @Test
    void aThousandHandshakesWhileTheControllerStallsGet504Or503AndNeverMoreThanMaxInFlightCalls() throws Exception {
        try (StallingController controller = StallingController.start()) {
            startBroker(controller.url());
            Set<String> execsBefore = ContainerProcesses.execIds(broker.docker());
            handshakes(CLIENTS * 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> controller.open() == 0);
            Footprint before = Footprint.now();

            long start = System.nanoTime();
            Map<String, Integer> answers = handshakes(HANDSHAKES);
            System.out.printf("controller stalls: %s in %d ms; the controller saw %d calls, at most %d at once%n",
                answers, (System.nanoTime() - start) / 1_000_000, controller.connections(), controller.mostOpen());
            System.out.printf("connections open at the controller: %d%n", controller.connectionsOpen());

            String timedOut = "504 {\"error\":\"the controller did not answer in time\"}";
            String full = "503 {\"error\":\"too many controller calls in flight\"}";
            assertThat(answers.keySet()).containsExactlyInAnyOrder(timedOut, full);
            assertThat(answers.get(timedOut) + answers.get(full)).isEqualTo(HANDSHAKES);
            assertThat(answers.get(timedOut)).as("calls that waited for the controller, in more than one wave")
                .isGreaterThan(MAX_IN_FLIGHT);
            // Never more than the bound. Not exactly the bound: on a loaded host a call can time out before its bytes
            // reach the controller, so a wave may show fewer (6 of 8 once in CI); the 503s above show the bound bit.
            assertThat(controller.mostOpen()).as("calls outstanding at once, on the controller's side")
                .isGreaterThan(1).isLessThanOrEqualTo(MAX_IN_FLIGHT);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(controller.open()).as("calls still open at the controller").isZero());
            assertBackTo(before);
            assertNothingRan(execsBefore, HANDSHAKES + CLIENTS * 2);
        }
    }
}
