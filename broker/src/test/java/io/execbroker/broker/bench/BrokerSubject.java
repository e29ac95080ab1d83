package io.execbroker.broker.bench;

import io.execbroker.broker.Broker;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.ControllerAuthorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.EventSettings;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.policy.PolicyRules;
import io.execbroker.broker.policy.TtyRule;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.TestController;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.grant.EventScope;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker under test, and the "broker JDK client" column: a real broker in this JVM, on its own Vertx instance (threads named {@value #THREAD_PREFIX}*),
 * listening on 127.0.0.1, driven over WebSocket by the protocol's Java client ({@link ExecClient}) exactly as a
 * user of the client would. Its authorizer grants the requested command and tty in {@code servertest}, and
 * notes when it was asked, so that setup time can be split into the client's part and the broker's; it grants
 * every watch {@link #WATCH}, {@code servertest}'s container events.
 */
final class BrokerSubject implements Subject {
    static final String THREAD_PREFIX = "bench-broker-";
    /** The watch grant of every watcher: {@code servertest}'s container events. */
    static final WatchGrant WATCH = new WatchGrant(Optional.of("bench"),
        new EventScope(List.of(DockerFixture.CONTAINER), List.of(), Set.of(EventScope.CONTAINER)));
    /** Watchers allowed beyond the bench's own, so that a slow close of the last run does not refuse the next. */
    private static final int WATCHERS_SPARE = 16;
    private static final long TIMEOUT_SECONDS = 600;

    private final Vertx vertx;
    private final Broker broker;
    private final URI uri;
    private final AtomicLong handshakeSeenAt;

    private final TestController controller;

    private BrokerSubject(Vertx vertx, Broker broker, AtomicLong handshakeSeenAt, TestController controller) {
        this.controller = controller;
        this.vertx = vertx;
        this.broker = broker;
        this.handshakeSeenAt = handshakeSeenAt;
        this.uri = URI.create("ws://127.0.0.1:" + broker.port() + "/exec");
    }

    /**
     * Starts a broker with the default limits, but room for {@code maxSessions} sessions and {@code maxWatchers}
     * watchers at once (the default queue per watcher).
     */
    static BrokerSubject start(int maxSessions, int maxWatchers) {
        Vertx vertx = NamedVertx.create(THREAD_PREFIX);
        AtomicLong handshakeSeenAt = new AtomicLong();
        TestController controller = null;
        try {
            // A real controller round trip, as in production: its own Vertx, HTTP on loopback, a kept-alive pool.
            controller = TestController.start(() -> handshakeSeenAt.set(System.nanoTime()));
            // As many controller calls at once as sessions: the idle-sessions figure opens them all at once (100 in
            // a full run), and the default bound of 64 would refuse the rest with 503, which is not what it measures.
            ControllerAuthorizer asks = new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(
                controller.url(), Optional.empty(), DockerFixture.CONTAINER, ControllerAuthorizer.Settings.DEFAULT_TIMEOUT,
                ControllerAuthorizer.Settings.DEFAULT_MAX_BODY_BYTES,
                Math.max(maxSessions, ControllerAuthorizer.Settings.DEFAULT_MAX_IN_FLIGHT)));
            Authorizer authorizer = new Authorizer() {
                @Override
                public Future<ExecGrant> authorize(HandshakeRequest request) {
                    return asks.authorize(request);
                }

                @Override
                public Future<WatchGrant> authorizeWatch(HandshakeRequest request) {
                    return Future.succeededFuture(WATCH);
                }
            };
            SessionLimits limits = SessionLimits.DEFAULTS.withMaxSessions(Math.max(maxSessions,
                SessionLimits.DEFAULTS.maxSessions()));
            // Every watcher of the bench is subject "bench": its cap is the whole.
            int watchers = Math.max(maxWatchers + WATCHERS_SPARE, EventSettings.DEFAULTS.maxWatchers());
            EventSettings events = EventSettings.DEFAULTS.withMaxWatchers(watchers).withMaxWatchersPerSubject(watchers);
            BrokerSettings settings = BrokerSettings.defaults().withPort(0).withLimits(limits).withEvents(events)
                .withHandshake(BrokerHarness.LENIENT_HANDSHAKES) // one client address opens every session
                // As deployed: a container rule, so every handshake's grant is checked on the container's real name.
                .withPolicy(new PolicyRules(List.of(DockerFixture.CONTAINER), List.of(), TtyRule.ANY, List.of(), true,
                    List.of()));
            Broker broker = Broker.start(vertx, settings, authorizer)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new BrokerSubject(vertx, broker, handshakeSeenAt, controller);
        } catch (Exception e) {
            vertx.close();
            if (controller != null) {
                try {
                    controller.close();
                } catch (Exception ignored) {
                    // the start's failure is the one to report
                }
            }
            throw new BenchException("cannot start the broker: " + e, e);
        }
    }

    @Override
    public String name() {
        return "broker JDK client";
    }

    Broker broker() {
        return broker;
    }

    /** Returns when ({@link System#nanoTime}) the broker last asked its authorizer about a handshake. */
    long handshakeSeenAt() {
        return handshakeSeenAt.get();
    }

    /** Starts connecting a session that asks for {@code argv}. */
    CompletableFuture<ExecClient> connectAsync(boolean tty, List<String> argv) {
        return ExecClient.connect(uri, ExecClient.Options.defaults().token(TestController.GOOD_TOKEN).command(argv)
            .tty(tty));
    }

    private ExecClient connect(boolean tty, String... argv) throws Exception {
        return connectAsync(tty, List.of(argv)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public Transfer stdout(long bytes, boolean tty) throws Exception {
        ExecClient client = connect(tty, "head", "-c", Long.toString(bytes), "/dev/zero");
        try {
            StreamReads.Seen seen = StreamReads.readAll(client.stdout(), bytes, false);
            int code = exitCode(client);
            BenchException.check(seen.total() == bytes && code == 0, "broker stdout (tty " + tty + "): read "
                + seen.total() + " bytes, expected " + bytes + "; exit code " + code);
            return seen.transfer();
        } finally {
            finish(client);
        }
    }

    @Override
    public Transfer echo(Payload payload) throws Exception {
        ExecClient client = connect(false, "cat");
        try {
            client.started().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            FutureTask<StreamReads.Seen> reader = new FutureTask<>(
                () -> StreamReads.readAll(client.stdout(), payload.bytes.length, true));
            Thread thread = new Thread(reader, "bench-client-echo-reader");
            thread.setDaemon(true);
            thread.start();
            long start = System.nanoTime();
            OutputStream stdin = client.stdin();
            stdin.write(payload.bytes);
            stdin.close();
            StreamReads.Seen seen = reader.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            int code = exitCode(client);
            payload.verify("broker", seen.total(), seen.crc());
            BenchException.check(code == 0, "broker echo: cat exited with " + code);
            return new Transfer(seen.total(), seen.lastNanos() - start);
        } finally {
            finish(client);
        }
    }

    @Override
    public long setupTrue() throws Exception {
        long start = System.nanoTime();
        ExecClient client = connect(false, "true");
        try {
            int code = exitCode(client);
            long elapsed = System.nanoTime() - start;
            BenchException.check(code == 0, "broker: true exited with " + code);
            return elapsed;
        } finally {
            finish(client);
        }
    }

    @Override
    public Echo openEcho() throws Exception {
        ExecClient client = connect(false, "cat");
        client.started().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        OutputStream stdin = client.stdin();
        InputStream stdout = client.stdout();
        return new Echo() {
            @Override
            public long roundTrip(byte b) throws Exception {
                long start = System.nanoTime();
                stdin.write(b & 0xff);
                int back = stdout.read();
                long elapsed = System.nanoTime() - start;
                BenchException.check(back == (b & 0xff), "broker round trip: sent " + (b & 0xff) + ", got " + back);
                return elapsed;
            }

            @Override
            public void close() throws Exception {
                try {
                    stdin.close();
                    BenchException.check(stdout.readAllBytes().length == 0, "broker round trip: extra output");
                    BenchException.check(exitCode(client) == 0, "broker round trip: cat failed");
                } finally {
                    finish(client);
                }
            }
        };
    }

    private static int exitCode(ExecClient client) throws Exception {
        return client.exitCode().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Closes the session (if the broker has not) and waits until it is closed. */
    static void finish(ExecClient client) throws Exception {
        client.close();
        client.closed().get(30, TimeUnit.SECONDS);
    }

    /** Stops the broker (its sessions end, their processes are killed), then its Vertx. */
    @Override
    public void close() throws Exception {
        try {
            broker.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } finally {
                controller.close();
            }
        }
    }
}
