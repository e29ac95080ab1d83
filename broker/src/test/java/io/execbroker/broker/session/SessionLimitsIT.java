package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.ExecStream;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.RawWebSocket;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Promise;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Session limits on the real engine: each test starts a broker with the one limit it checks made small. */
class SessionLimitsIT {
    private BrokerHarness broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static int closeCode(ExecClient client) {
        return client.closed().orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void sessionOverTheCapIsRefusedWith503BeforeTheUpgrade() throws Exception {
        String refusedDuration = ContainerProcesses.uniqueSleep();
        String firstDuration = ContainerProcesses.uniqueSleep();
        broker = BrokerHarness.start(SessionLimits.DEFAULTS.withMaxSessions(1));
        ExecClient first = broker.exec("sleep", firstDuration);
        first.started().orTimeout(30, TimeUnit.SECONDS).join();

        String response = RawHandshake.send(broker.port(), "/exec?command=sleep&command=" + refusedDuration);
        assertThat(response).startsWith("HTTP/1.1 503 ");
        assertThat(response).contains("application/json").contains("{\"error\":\"Too many sessions active!\"}");
        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + refusedDuration)).isFalse();

        first.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().sessions().active() == 0);
        ExecClient next = broker.exec("true");
        assertThat(next.exitCode().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
    }

    @Test
    void messageOverTheLimitClosesWith1009() throws Exception {
        String duration = ContainerProcesses.uniqueSleep();
        broker = BrokerHarness.start(new SessionLimits(10, 1024, 1 << 20, 1 << 20, Duration.ofMinutes(1),
            Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(30)));
        ExecClient client = broker.exec("sleep", duration);
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        client.sendRaw(new byte[2048]);
        assertThat(closeCode(client)).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        await().atMost(Duration.ofSeconds(5)).until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
    }

    @Test
    void idleSessionClosesWith4000AndItsProcessIsKilled() throws Exception {
        String duration = ContainerProcesses.uniqueSleep();
        broker = BrokerHarness.start(SessionLimits.DEFAULTS.withTimeouts(Duration.ofMillis(500), Duration.ofMinutes(1)));
        ExecClient client = broker.exec("sleep", duration);
        assertThat(closeCode(client)).isEqualTo(CloseCodes.IDLE_TIMEOUT);
        await().atMost(Duration.ofSeconds(5)).until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
    }

    @Test
    void sessionPastItsMaximumDurationClosesWith4001() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS.withTimeouts(Duration.ofMinutes(1), Duration.ofMillis(800)));
        ExecClient client = broker.exec("sh", "-c", "while true; do echo tick; sleep 0.1; done");
        assertThat(closeCode(client)).isEqualTo(CloseCodes.MAX_DURATION);
        await().atMost(Duration.ofSeconds(5)).until(() -> !ContainerProcesses.running(broker.docker(), "sh -c while true"));
    }

    @Test
    void brokerStopSendsShutdownClosesWith1001AndKillsProcesses() throws Exception {
        String duration = ContainerProcesses.uniqueSleep();
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        ExecClient client = broker.exec("sleep", duration);
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        broker.broker().stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(closeCode(client)).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(client.shutdownReceived()).isTrue();
        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + duration)).isFalse();
    }

    @Test
    void brokerStopRightAfterAClientLeftWaitsUntilThatProcessIsKilled() throws Exception {
        String duration = ContainerProcesses.uniqueSleep();
        String script = "trap '' TERM; while :; do sleep " + duration + "; done";
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        // The shell ignores TERM and restarts its sleep, so its teardown lasts the kill grace (2 s), then KILL.
        ExecClient client = broker.exec("sh", "-c", script);
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        client.close();
        client.closed().orTimeout(30, TimeUnit.SECONDS).join(); // the broker has closed: its teardown is under way

        broker.broker().stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + duration)).isFalse();
        assertThat(ContainerProcesses.running(broker.docker(), "sh -c " + script)).isFalse();
    }

    @Test
    void handshakeAuthorizedWhileTheBrokerStopsGets503AndLaunchesNothing() throws Exception {
        String lingering = ContainerProcesses.uniqueSleep();
        String late = ContainerProcesses.uniqueSleep();
        Promise<ExecGrant> lateGrant = Promise.promise();
        CompletableFuture<HandshakeRequest> lateAsked = new CompletableFuture<>();
        broker = BrokerHarness.start(SessionLimits.DEFAULTS, request -> {
            if (!request.requestedCommand().contains(late)) {
                return BrokerHarness.GRANT_REQUESTED.authorize(request);
            }
            lateAsked.complete(request);
            return lateGrant.future();
        });
        // A session whose teardown lasts the kill grace keeps the stop going while the late grant arrives.
        ExecClient lingeringClient = broker.exec("sh", "-c", "trap '' TERM; while :; do sleep " + lingering + "; done");
        lingeringClient.started().orTimeout(30, TimeUnit.SECONDS).join();
        CompletableFuture<String> lateResponse = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHandshake.send(broker.port(), "/exec?command=sleep&command=" + late);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        HandshakeRequest lateRequest = lateAsked.get(30, TimeUnit.SECONDS);

        CompletableFuture<Void> stopped = broker.broker().stop().toCompletionStage().toCompletableFuture();
        lingeringClient.closed().orTimeout(30, TimeUnit.SECONDS).join(); // the stop has begun
        BrokerHarness.GRANT_REQUESTED.authorize(lateRequest).onComplete(lateGrant);

        assertThat(lateResponse.get(30, TimeUnit.SECONDS)).startsWith("HTTP/1.1 503 ").contains("the broker is stopping");
        stopped.get(30, TimeUnit.SECONDS);
        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + late)).isFalse();
        assertThat(ContainerProcesses.running(broker.docker(), "sleep " + lingering)).isFalse();
    }

    @Test
    void clientPauseStopsOutputWithinABoundAndResumeLosesNothing() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        int total = 64 * 1024 * 1024;
        ExecClient client = broker.connect(ExecClient.Options.defaults().highWaterBytes(Integer.MAX_VALUE)
            .command(java.util.List.of("head", "-c", String.valueOf(total), "/dev/zero")));
        InputStream out = client.stdout();
        await().atMost(Duration.ofSeconds(20)).until(() -> out.available() > 0);
        client.pause();
        int atPause = out.available();
        // While paused, what arrives stops growing, within a bound and well short of everything.
        AtomicInteger last = new AtomicInteger(-1);
        await().pollInterval(Duration.ofMillis(100)).during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(20))
            .until(() -> {
                int now = out.available();
                return now == last.getAndSet(now);
            });
        int afterPause = out.available() - atPause;
        assertThat(afterPause).isLessThan(8 * 1024 * 1024);
        assertThat(out.available()).isLessThan(total);
        client.resume();
        long received = out.transferTo(OutputStream.nullOutputStream());
        assertThat(received).isEqualTo(total);
        assertThat(client.exitCode().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
    }

    @Test
    void slowStdinConsumerMakesTheBrokerSendPauseThenResume() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        ExecClient client = broker.exec("sh", "-c", "sleep 1; wc -c");
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 128; i++) {
            client.stdin().write(chunk);
        }
        client.stdin().close();
        String count = new String(client.stdout().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(count).isEqualTo(String.valueOf(128 * 64 * 1024));
        assertThat(client.exitCode().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
        assertThat(client.pausesReceived()).isPositive();
    }

    @Test
    void peerThatNeverAnswersPingsIsDroppedAndItsProcessKilled() throws Exception {
        broker = BrokerHarness.start(new SessionLimits(10, 1 << 20, 1 << 20, 1 << 20, Duration.ofMinutes(1),
            Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMillis(300)));
        String duration = ContainerProcesses.uniqueSleep();
        try (Socket silent = new Socket("127.0.0.1", broker.port())) {
            silent.getOutputStream().write(RawHandshake.request("/exec?command=sleep&command=" + duration));
            await().atMost(Duration.ofSeconds(10)).until(() -> ContainerProcesses.running(broker.docker(), "sleep " + duration));
            // The socket stays open but never answers a ping: the broker must notice and end the session.
            await().atMost(Duration.ofSeconds(10)).until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
            // The slot is given back once Docker confirms the process is gone.
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().sessions().active() == 0);
        }
    }

    @Test
    void clientThatStopsReadingMakesTheBrokerStopReadingDocker() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        String duration = ContainerProcesses.uniqueSleep();
        long total = 256L * 1024 * 1024;
        ExecClient client = broker.connect(ExecClient.Options.defaults().highWaterBytes(64 * 1024)
            .command(java.util.List.of("sh", "-c", "head -c " + total + " /dev/zero; sleep " + duration)));
        client.started().orTimeout(30, TimeUnit.SECONDS).join();
        // Nobody reads: if the broker buffered instead of pushing back, head would finish and sleep would start.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
            .until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
        // Reading again lets everything through, byte for byte; then the sleep starts.
        byte[] buffer = new byte[64 * 1024];
        long received = 0;
        while (received < total) {
            int n = client.stdout().read(buffer, 0, (int) Math.min(buffer.length, total - received));
            assertThat(n).as("stdout ended after %d of %d bytes", received, total).isPositive();
            received += n;
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ContainerProcesses.running(broker.docker(), "sleep " + duration));
        client.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
    }

    @Test
    void everyOutputReadIsFreedOnceWrittenOrWhenAPausedSessionEnds() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        ExecClient whole = broker.exec("head", "-c", String.valueOf(8 << 20), "/dev/zero");
        assertThat(whole.stdout().transferTo(OutputStream.nullOutputStream())).isEqualTo(8 << 20);
        assertThat(whole.exitCode().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
        // A client that stops reading, then vanishes, leaves reads queued in the broker: they go with its session.
        String duration = ContainerProcesses.uniqueSleep();
        try (Socket stalled = new Socket("127.0.0.1", broker.port())) {
            stalled.getOutputStream().write(RawHandshake.request("/exec?command=sh&command=-c&command="
                + "head%20-c%2067108864%20%2Fdev%2Fzero%3B%20sleep%20" + duration));
            await().atMost(Duration.ofSeconds(10)).until(() -> ExecStream.outputBytesHeld() > 0);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().sessions().active() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> ExecStream.outputBytesHeld() == 0);
    }

    @Test
    void aClientThatStopsReadingAndSendsACloseFrameEndsItsSessionAtOnce() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        String bytes = ContainerProcesses.uniqueSleep(); // a byte count no other process uses
        try (Socket stalled = new Socket("127.0.0.1", broker.port())) {
            stalled.setReceiveBufferSize(4096);
            stalled.getOutputStream().write(RawHandshake.request("/exec?command=head&command=-c&command=" + bytes
                + "&command=/dev/zero"));
            await().atMost(Duration.ofSeconds(10)).until(() -> ExecStream.outputBytesHeld() > 0);
            assertThat(ContainerProcesses.running(broker.docker(), "head -c " + bytes)).isTrue();

            // A masked close frame, 1000: the broker's answer cannot get out, since nothing reads it.
            stalled.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8});
            await().atMost(Duration.ofSeconds(5))
                .until(() -> !ContainerProcesses.running(broker.docker(), "head -c " + bytes));
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().sessions().active() == 0);
        }
    }

    @Test
    void aClientThatSendsJunkAndNeverReadsTheErrorsIsNoLongerRead() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        String duration = ContainerProcesses.uniqueSleep();
        // 1,024 messages of unknown type 7: each makes the broker queue a 24-byte error for a client that never reads
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 1024; i++) {
            batch.writeBytes(RawWebSocket.clientFrame(RawWebSocket.BINARY, (byte) 7));
        }
        byte[] junk = batch.toByteArray();
        // Far more than the socket buffers and the broker's queues hold; a broker that reads on takes it all.
        long most = 16L << 20;
        AtomicLong written = new AtomicLong();
        try (Socket junkie = new Socket()) {
            junkie.setReceiveBufferSize(4096);
            junkie.setSendBufferSize(64 << 10); // fixed: the kernel does not grow it
            junkie.connect(new InetSocketAddress("127.0.0.1", broker.port()));
            OutputStream out = junkie.getOutputStream();
            out.write(RawHandshake.request("/exec?command=sleep&command=" + duration));
            await().atMost(Duration.ofSeconds(10)).until(() -> ContainerProcesses.running(broker.docker(), "sleep " + duration));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    while (written.get() < most) {
                        out.write(junk);
                        written.addAndGet(junk.length);
                    }
                } catch (IOException e) {
                    // the socket was closed under a blocked write: the end of the test
                }
            });
            // The broker stops reading: the client's writes block, well short of everything.
            AtomicLong last = new AtomicLong(-1);
            await().pollInterval(Duration.ofMillis(200)).during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60))
                .until(() -> written.get() == last.getAndSet(written.get()));
            long stalled = written.get();
            // For good, not for a pause of the broker's (a GC, a busy event loop): with the broker shown alive by
            // another session, the writes still make no progress at all.
            assertThat(broker.exec("true").exitCode().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> written.get() == stalled);
            System.out.printf("junk written before the broker stopped reading: %d bytes (%d messages)%n",
                stalled, stalled / 7);
            assertThat(stalled).as("bytes of junk the broker took").isLessThan(most);
            assertThat(writer).isNotDone();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().sessions().active() == 0);
    }

    @Test
    void aFrameFarOverTheLimitGetsClose1009AndThenAFinNotAReset() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        String duration = ContainerProcesses.uniqueSleep();
        long size = 64L << 20;
        try (Socket client = new Socket("127.0.0.1", broker.port())) {
            client.setSoTimeout(20_000);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(RawHandshake.request("/exec?command=sleep&command=" + duration));
            assertThat(RawWebSocket.readHead(in)).startsWith("HTTP/1.1 101 ");
            assertThat(RawWebSocket.readFrame(in).payload()).containsExactly(0x64); // resume: the process runs
            // One 64 MiB stdin frame, written on while the broker answers: the broker has it in its socket.
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                long sent = 0;
                try {
                    out.write(RawWebSocket.clientHeader(RawWebSocket.BINARY, size));
                    byte[] chunk = new byte[64 << 10]; // starts with 0x00: stdin
                    while (sent < size) {
                        out.write(chunk);
                        sent += chunk.length;
                    }
                } catch (IOException e) {
                    // the broker dropped the connection after discarding its share
                }
                return sent;
            });
            RawWebSocket.ServerFrame close = RawWebSocket.readFrame(in);
            assertThat(close.closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
            // A FIN: the read ends. A reset would throw "Connection reset" here instead.
            assertThat(in.read()).isEqualTo(-1);
            assertThat(close.closeReason()).isEqualTo("message larger than 1048576 bytes");
            System.out.printf("oversized frame: %d of %d bytes written when the FIN was read%n",
                writer.isDone() ? writer.join() : -1, size);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !ContainerProcesses.running(broker.docker(), "sleep " + duration));
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().sessions().active() == 0);
    }

    /**
     * Pins down what PROTOCOL.md says of bytes sent before the 101 (pipelined with the upgrade request): Netty's
     * HTTP decoder takes them as the start of a next request, and they are lost when the connection switches to
     * WebSocket; what the client sends once it has the 101 starts the WebSocket stream, intact. The second payload
     * holds a blank line, which the HTTP decoder would read as the end of a request head.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hi\n", "GET / HTTP/1.1\r\n\r\n"})
    void bytesSentBeforeThe101AreDroppedAndTheStreamAfterItIsIntact(String early) throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        try (Socket client = new Socket("127.0.0.1", broker.port())) {
            client.setSoTimeout(20_000);
            ByteArrayOutputStream eager = new ByteArrayOutputStream();
            eager.writeBytes(RawHandshake.request("/exec?command=head&command=-c&command=3"));
            eager.writeBytes(RawWebSocket.clientFrame(RawWebSocket.BINARY, stdin(early)));
            OutputStream out = client.getOutputStream();
            out.write(eager.toByteArray()); // one write: the frame rides with the request, before the 101
            InputStream in = client.getInputStream();
            assertThat(RawWebSocket.readHead(in)).startsWith("HTTP/1.1 101 ");
            assertThat(RawWebSocket.readFrame(in).payload()).containsExactly(0x64); // resume
            out.write(RawWebSocket.clientFrame(RawWebSocket.BINARY, stdin("yo\n")));
            assertThat(RawWebSocket.readFrame(in).payload()).containsExactly(0x01, 'y', 'o', '\n'); // stdout
            assertThat(RawWebSocket.readFrame(in).payload()).containsExactly(0xc8, 0); // stopped 0
            assertThat(RawWebSocket.readFrame(in).closeCode()).isEqualTo(CloseCodes.NORMAL);
        }
    }

    private static byte[] stdin(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[bytes.length + 1]; // type 0: stdin
        System.arraycopy(bytes, 0, message, 1, bytes.length);
        return message;
    }
}
