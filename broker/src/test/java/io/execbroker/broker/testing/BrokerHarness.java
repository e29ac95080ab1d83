package io.execbroker.broker.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import io.execbroker.broker.Broker;
import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.HandshakeSettings;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real broker on the real Docker engine, on a free port, with a test authorizer that grants what the client
 * asks for in {@code servertest} (the authorization issue supplies the real ones). Event loops are watched
 * tightly, so that a blocking call in the broker shows up as a warning in the test log.
 */
public final class BrokerHarness implements AutoCloseable {
    /** Grants the requested command and tty in the fixture container. */
    public static final Authorizer GRANT_REQUESTED = request -> {
        if (request.requestedCommand().isEmpty()) {
            return Future.failedFuture(new AuthorizationException(400, "no command requested"));
        }
        return Future.succeededFuture(ExecGrant.builder(DockerFixture.CONTAINER, request.requestedCommand())
            .tty(request.requestedTty().orElse(false)).subject("test").build());
    };

    private final Vertx vertx;
    private final Broker broker;
    private final DockerClient docker;

    private BrokerHarness(Vertx vertx, Broker broker, DockerClient docker) {
        this.vertx = vertx;
        this.broker = broker;
        this.docker = docker;
    }

    public static BrokerHarness start(SessionLimits limits) throws Exception {
        return start(limits, GRANT_REQUESTED);
    }

    /** Starts a broker that asks {@code authorizer}, for tests of what reaches the authorizer. */
    public static BrokerHarness start(SessionLimits limits, Authorizer authorizer) throws Exception {
        return start(BrokerSettings.defaults().withLimits(limits).withHandshake(LENIENT_HANDSHAKES), authorizer);
    }

    /**
     * The default checks, with a handshake rate no test reaches: tests open many sessions from one address.
     */
    public static final HandshakeSettings LENIENT_HANDSHAKES = HandshakeSettings.DEFAULTS.withRate(10_000, 10_000)
        .withMaxSessionsPerSubject(1_000);

    /** Starts a broker with {@code settings} (its port is replaced by a free one). */
    public static BrokerHarness start(BrokerSettings brokerSettings, Authorizer authorizer) throws Exception {
        return start(brokerSettings, authorizer, AuditLog.NONE, DockerClients.configFromEnvironment());
    }

    /**
     * Starts a broker with {@code settings} (on a free port) on the engine {@code dockerConfig} names, such as
     * {@link SecondEngine}'s; {@link #docker()} is a client of that engine.
     */
    public static BrokerHarness start(BrokerSettings brokerSettings, Authorizer authorizer, AuditLog audit,
                                      DefaultDockerClientConfig dockerConfig) throws Exception {
        DockerClient docker = DockerFixture.connect(dockerConfig);
        Vertx vertx = Vertx.vertx(Broker.vertxOptions()
            .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
        BrokerSettings settings = brokerSettings.withPort(0);
        Broker broker = Broker.start(vertx, settings, authorizer, audit, dockerConfig).toCompletionStage()
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new BrokerHarness(vertx, broker, docker);
    }

    public URI uri() {
        return URI.create((broker.tls() ? "wss" : "ws") + "://127.0.0.1:" + broker.port() + "/exec");
    }

    public int port() {
        return broker.port();
    }

    public Vertx vertx() {
        return vertx;
    }

    public Broker broker() {
        return broker;
    }

    public DockerClient docker() {
        return docker;
    }

    /** Opens a session that asks for {@code argv}, tty off. */
    public ExecClient exec(String... argv) {
        return connect(ExecClient.Options.defaults().command(List.of(argv)).tty(false));
    }

    /** Opens a session that asks for {@code argv} with a tty. */
    public ExecClient execTty(String... argv) {
        return connect(ExecClient.Options.defaults().command(List.of(argv)).tty(true));
    }

    public ExecClient connect(ExecClient.Options options) {
        return ExecClient.connect(uri(), options).orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() throws Exception {
        broker.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        docker.close();
    }
}
