package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.docker.ExecStream;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.FreezingProxy;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.RawWebSocket;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.frame.CloseCodes;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that fail without closing, on the real engine, with pings every second: a peer whose network vanished
 * (half-open TCP: no FIN, no reset), a client stuck inside a frame it never finishes, a client that never reads
 * while output flows. Pings bound each: a client that cannot answer one is ended with 1011 before the next, so
 * within two ping intervals and a tick of its fault, and its process is killed.
 */
class PeerFaultsIT {
    private static final int OUTPUT_QUEUE_BYTES = 256 * 1024;
    /**
     * The memory of one full-size read from Docker (64 KiB and the spare byte): the output held may pass the queue's
     * bound by the read that filled it and the one under way.
     */
    private static final int READ_BYTES = 64 * 1024 + 1;
    /**
     * The teardown of a process that dies of TERM, as Docker takes it: well under a second on an idle engine, 5 s
     * seen on the engine shared by this machine's builds (load 20 on 2 cores).
     */
    private static final Duration TEARDOWN = Duration.ofSeconds(10);

    private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
    private final String duration = ContainerProcesses.uniqueSleep();
    private BrokerHarness broker;
    private Duration ping;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private void startBroker(Duration pingInterval) throws Exception {
        ping = pingInterval;
        SessionLimits limits = SessionLimits.DEFAULTS.withPingInterval(ping).withOutputQueueBytes(OUTPUT_QUEUE_BYTES);
        broker = BrokerHarness.start(BrokerSettings.defaults().withLimits(limits)
            .withHandshake(BrokerHarness.LENIENT_HANDSHAKES), BrokerHarness.GRANT_REQUESTED, audit::add,
            DockerClients.configFromEnvironment());
    }

    private Optional<AuditRecord> ended() {
        return audit.stream().filter(r -> r.outcome().equals("ended")).findFirst();
    }

    /**
     * Returns the most time from a fault to the session's {@code ended} record: at most a ping interval until the
     * next ping goes out, one more until it is found unanswered, and a tick (half an interval) on each, so three
     * intervals; then the teardown.
     */
    private Duration bound() {
        return ping.multipliedBy(3).plus(TEARDOWN);
    }

    /** Awaits the session's {@code ended} record, within {@link #bound()} of {@code faultNanos}, and checks it. */
    private AuditRecord awaitEndedByPing(String fault, long faultNanos) {
        await().atMost(bound().plusSeconds(5)).until(() -> ended().isPresent());
        Duration took = Duration.ofNanos(System.nanoTime() - faultNanos);
        AuditRecord end = ended().orElseThrow();
        System.out.printf("%s: ended %d ms after the fault (bound %d ms): %s%n", fault, took.toMillis(),
            bound().toMillis(), end.toJson());
        assertThat(took).as("from the fault to the ended record").isLessThanOrEqualTo(bound());
        assertThat(end.status()).isEqualTo(CloseCodes.INTERNAL_ERROR);
        assertThat(end.reason()).isEqualTo("no pong from the client");
        assertThat(end.toJson()).contains("\"teardown\":\"confirmed\"");
        return end;
    }

    private void assertGone(String commandLine) {
        assertThat(ContainerProcesses.running(broker.docker(), commandLine)).as("%s running", commandLine).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().sessions().active() == 0);
    }

    @Test
    void aPeerWhoseNetworkVanishesIsEndedWithinThePingBoundAndItsProcessKilled() throws Exception {
        startBroker(Duration.ofSeconds(1));
        try (FreezingProxy proxy = FreezingProxy.start(broker.port())) {
            ExecClient client = ExecClient.connect(URI.create("ws://127.0.0.1:" + proxy.port() + "/exec"),
                ExecClient.Options.defaults().command(List.of("sleep", duration))).orTimeout(30, TimeUnit.SECONDS).join();
            client.started().orTimeout(30, TimeUnit.SECONDS).join();
            // The client answers the pings: over several intervals the session lives on.
            await().during(ping.multipliedBy(3)).atMost(ping.multipliedBy(4)).until(() -> ended().isEmpty());
            assertThat(ContainerProcesses.running(broker.docker(), "sleep " + duration)).isTrue();

            proxy.freeze();
            long fault = System.nanoTime();

            awaitEndedByPing("network vanished", fault);
            assertGone("sleep " + duration);
            client.abort();
        }
    }

    @Test
    void aClientStuckInsideAFrameIsEndedWithinThePingBoundAndItsProcessKilled() throws Exception {
        startBroker(Duration.ofSeconds(1));
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(RawHandshake.request("/exec?command=sleep&command=" + duration));
            assertThat(RawWebSocket.readHead(in)).startsWith("HTTP/1.1 101 ");
            // Until it is stuck, the client is alive: it answers pings, until the process runs and it has answered
            // one since.
            boolean running = false;
            boolean answeredSince = false;
            while (!answeredSince) {
                RawWebSocket.ServerFrame frame = RawWebSocket.readFrame(in);
                if (frame.opcode() == RawWebSocket.PING) {
                    out.write(RawWebSocket.clientFrame(RawWebSocket.PONG, frame.payload()));
                    answeredSince = running;
                } else {
                    assertThat(frame.payload()).containsExactly(0x64); // resume: the process runs
                    running = true;
                }
            }

            // The header of a 1,000-byte stdin frame and its first 10 bytes, then nothing: whatever the client
            // sends next, a pong included, is taken as the rest of that frame's payload.
            out.write(RawWebSocket.clientHeader(RawWebSocket.BINARY, 1000));
            out.write(new byte[10]);
            long fault = System.nanoTime();

            RawWebSocket.ServerFrame frame;
            do {
                frame = RawWebSocket.readFrame(in);
            } while (frame.opcode() == RawWebSocket.PING);
            long closed = System.nanoTime();
            assertThat(frame.closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
            assertThat(frame.closeReason()).isEqualTo("no pong from the client");
            awaitEndedByPing("stuck in a frame", fault);
            assertGone("sleep " + duration);
            // The client cannot answer the close either: the broker drops the connection after its grace.
            assertThat(in.read()).isEqualTo(-1);
            Duration dropped = Duration.ofNanos(System.nanoTime() - closed);
            System.out.printf("stuck in a frame: connection dropped %d ms after the close frame%n", dropped.toMillis());
            assertThat(dropped).isBetween(ClosingHandshake.GRACE_TEARDOWN.minusSeconds(1),
                ClosingHandshake.GRACE_TEARDOWN.plusSeconds(3));
        }
    }

    @Test
    void aClientThatStopsReadingForGoodHoldsBoundedMemoryAndIsEndedWithinThePingBound() throws Exception {
        startBroker(Duration.ofSeconds(1));
        String bytes = duration; // a byte count no other process uses: head never ends by itself here
        AtomicLong mostHeld = new AtomicLong();
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.setSoTimeout(20_000);
            stalled.connect(new InetSocketAddress("127.0.0.1", broker.port()));
            OutputStream out = stalled.getOutputStream();
            InputStream in = stalled.getInputStream();
            out.write(RawHandshake.request("/exec?command=head&command=-c&command=" + bytes + "&command=/dev/zero"));
            assertThat(RawWebSocket.readHead(in)).startsWith("HTTP/1.1 101 ");
            // Reads, answering pings, until the output flows; then never reads again.
            RawWebSocket.ServerFrame frame;
            while ((frame = RawWebSocket.readFrame(in)).opcode() == RawWebSocket.PING
                    || frame.payload()[0] != 0x01) { // not yet stdout
                if (frame.opcode() == RawWebSocket.PING) {
                    out.write(RawWebSocket.clientFrame(RawWebSocket.PONG, frame.payload()));
                }
                assertThat(frame.opcode()).as("a close before any output").isNotEqualTo(RawWebSocket.CLOSE);
            }
            long fault = System.nanoTime();

            await().atMost(bound().plusSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                mostHeld.accumulateAndGet(ExecStream.outputBytesHeld(), Math::max);
                return ended().isPresent();
            });
            System.out.printf("stops reading: output held in the broker at most %d bytes (queue bound %d), %d bytes"
                + " sent%n", mostHeld.get(), OUTPUT_QUEUE_BYTES, ended().orElseThrow().bytesOut());
            AuditRecord end = awaitEndedByPing("stops reading", fault);
            assertThat(mostHeld.get()).as("output held in the broker").isPositive()
                .isLessThanOrEqualTo(OUTPUT_QUEUE_BYTES + 2L * READ_BYTES);
            assertThat(end.bytesOut()).as("output sent, in the socket buffers").isLessThan(16L << 20);
            assertGone("head -c " + bytes);
            await().atMost(Duration.ofSeconds(10)).until(() -> ExecStream.outputBytesHeld() == 0);
        }
    }

    /**
     * Clients that hang up 0-9 ms after they read the 101, half with a FIN and half with a reset, so that each lands
     * while its exec is being created, started or has just begun (the delay is the fault's timing, not a wait): every one is torn down with nothing left running, and the broker's
     * Docker calls still work after them all (a session then runs to its exit code).
     */
    @Test
    void clientsThatHangUpRightAfterTheUpgradeLeaveNothingRunningAndDockerCallsWorking() throws Exception {
        startBroker(Duration.ofSeconds(5));
        int clients = 40;
        for (int i = 0; i < clients; i++) {
            try (Socket socket = new Socket("127.0.0.1", broker.port())) {
                socket.setSoTimeout(20_000);
                if (i % 2 == 1) {
                    socket.setSoLinger(true, 0); // close sends a reset
                }
                socket.getOutputStream().write(RawHandshake.request("/exec?command=sleep&command=" + duration));
                assertThat(RawWebSocket.readHead(socket.getInputStream())).startsWith("HTTP/1.1 101 ");
                // 0 to 9 ms after the 101: spread over the exec's creation, its start and its first moments.
                Thread.sleep(i % 10);
            }
        }
        await().atMost(TEARDOWN.plusSeconds(20)).until(() -> audit.stream()
            .filter(r -> r.outcome().equals("ended")).count() == clients);
        long killed = audit.stream().filter(r -> r.outcome().equals("ended") && r.teardown().isPresent()).count();
        System.out.printf("hang-ups after the 101: %d of %d had a process to kill, the rest ended before the start%n",
            killed, clients);
        assertThat(audit.stream().filter(r -> r.outcome().equals("ended")))
            .allSatisfy(end -> assertThat(end.toJson()).doesNotContain("\"teardown\":\"unconfirmed\""));
        assertGone("sleep " + duration);
        for (int i = 0; i < 5; i++) {
            ExecClient client = broker.exec("sh", "-c", "exit 7");
            assertThat(client.exitCode().orTimeout(30, TimeUnit.SECONDS).join()).as("session %d after them", i)
                .isEqualTo(7);
        }
    }
}
