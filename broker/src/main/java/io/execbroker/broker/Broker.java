package io.execbroker.broker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.LocalDirectorySSLConfig;
import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.ConfigException;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.docker.DockerControl;
import io.execbroker.broker.docker.DockerEndpoint;
import io.execbroker.broker.docker.DockerErrors;
import io.execbroker.broker.docker.DockerExecLauncher;
import io.execbroker.broker.docker.ExecMark;
import io.execbroker.broker.docker.DockerPing;
import io.execbroker.broker.docker.ExecTerminator;
import io.execbroker.broker.docker.HostPidCheck;
import io.execbroker.broker.docker.OrphanSweep;
import io.execbroker.broker.docker.ProcessTable;
import io.execbroker.broker.events.EventHub;
import io.execbroker.broker.events.Watches;
import io.execbroker.broker.http.EventsHandshakeHandler;
import io.execbroker.broker.http.ExecHandshakeHandler;
import io.execbroker.broker.http.HandshakeChecks;
import io.execbroker.broker.ops.BrokerMetrics;
import io.execbroker.broker.ops.MeteredAuditLog;
import io.execbroker.broker.ops.MeteredAuthorizer;
import io.execbroker.broker.ops.Readiness;
import io.execbroker.broker.policy.BoundedLookup;
import io.execbroker.broker.policy.CachedContainerLookup;
import io.execbroker.broker.policy.DockerContainerLookup;
import io.execbroker.broker.policy.ExecPolicy;
import io.execbroker.broker.policy.PolicyRules;
import io.execbroker.broker.session.SessionRegistry;
import io.execbroker.broker.tls.CertificateReloader;
import io.execbroker.broker.tls.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.Router;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Wires one broker: Docker clients, the session registry, the events hub and the HTTP servers. Nothing else lives
 * here.
 */
public final class Broker {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Broker.class);
    /** Offered back to clients that ask for it; a client that offers none gets v1 as well. */
    public static final String SUBPROTOCOL_V1 = "exec-broker.v1";
    /** Threads for blocking docker-java calls, shared by all sessions (never one per session). */
    private static final int DOCKER_WORKERS = 8;
    /**
     * How long a handshake waits for Docker's container lookup: past it the client gets 503 "Docker did not answer
     * within 5 s". A lookup takes milliseconds; a Docker call may take up to its 30 s timeout, far longer than a
     * client should wait for a refusal. Not a setting: nobody has needed another value.
     */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Threads of the handshakes' container lookups, apart from {@link #DOCKER_WORKERS}: a stalled engine holding
     * lookups must not take the workers that teardowns need once it answers again.
     */
    private static final int LOOKUP_WORKERS = 4;
    /** Lookups waiting for Docker at once (queued or running); past them a handshake gets 503 at once. */
    private static final int MAX_WAITING_LOOKUPS = 32;
    /**
     * HTTP servers on the port, one per event loop ({@link EventLoopServers}): one per core, so that the sessions
     * spread over the cores.
     */
    private static final int EVENT_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Connections to Docker for events at once: the shared stream and the watchers' catch-ups (each about 1 s). */
    private static final int EVENT_STREAMS = 33;

    private final Vertx vertx;
    private final DockerClient docker;
    private final WorkerExecutor workers;
    private final WorkerExecutor lookups;
    private final NetClient streams;
    private final SessionRegistry registry;
    private final EventLoopServers servers;
    private final EventHub hub;
    private final HttpClient events;
    private final BrokerMetrics metrics;
    private final Readiness readiness;
    private final CertificateReloader reloader;
    private final Future<Void> background;

    private Broker(Vertx vertx, DockerClient docker, WorkerExecutor workers, WorkerExecutor lookups, NetClient streams,
                   SessionRegistry registry, EventLoopServers servers, EventHub hub, HttpClient events,
                   BrokerMetrics metrics, Readiness readiness, CertificateReloader reloader, Future<Void> background) {
        this.background = background;
        this.metrics = metrics;
        this.readiness = readiness;
        this.reloader = reloader;
        this.hub = hub;
        this.events = events;
        this.vertx = vertx;
        this.docker = docker;
        this.workers = workers;
        this.lookups = lookups;
        this.streams = streams;
        this.registry = registry;
        this.servers = servers;
    }

    /**
     * The options to create the broker's Vertx with. Netty's native epoll transport where it loads (Linux x86_64),
     * NIO elsewhere: with epoll the broker spends about a sixth less CPU per GiB streamed (1.36 → 1.12 s in
     * alternating runs here; io_uring was no better than NIO).
     */
    public static VertxOptions vertxOptions() {
        return new VertxOptions().setPreferNativeTransport(true);
    }

    /** Starts a broker on the Docker engine the environment names; completes once it listens. */
    public static Future<Broker> start(Vertx vertx, BrokerSettings settings, Authorizer authorizer) {
        return start(vertx, settings, authorizer, AuditLog.NONE);
    }

    /** Starts a broker that writes every handshake and session to {@code audit}. */
    public static Future<Broker> start(Vertx vertx, BrokerSettings settings, Authorizer authorizer, AuditLog audit) {
        return start(vertx, settings, authorizer, audit, DockerClients.configFromEnvironment());
    }

    /**
     * Starts a broker on the Docker engine {@code dockerConfig} names rather than the environment's, like one of a
     * test's own ({@code DockerClients.config("unix:///var/run/exec-broker-dockerd2.sock")}). With TLS it reads the
     * TLS files at once, so call it off the event loop. Fails with a {@link ConfigException} when a TLS file cannot
     * be used, or when Docker's TLS handshake fails (the message names Docker and the reason).
     */
    public static Future<Broker> start(Vertx vertx, BrokerSettings settings, Authorizer authorizer, AuditLog audit,
                                       DefaultDockerClientConfig dockerConfig) {
        Objects.requireNonNull(dockerConfig, "dockerConfig");
        ServerTls tls;
        try {
            tls = settings.tls().isPresent() ? ServerTls.load(settings.tls().get()) : null;
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        BrokerMetrics metrics = BrokerMetrics.prometheus();
        AuditLog metered = new MeteredAuditLog(audit, metrics);
        Authorizer decides = new MeteredAuthorizer(authorizer, metrics);
        DockerClient docker;
        try {
            docker = DockerClients.create(dockerConfig, DockerClients.DEFAULT_CALL_TIMEOUT);
        } catch (RuntimeException e) {
            // docker-java reads DOCKER_CERT_PATH here: a certificate or key it cannot use.
            return Future.failedFuture(new ConfigException("DOCKER_HOST " + dockerConfig.getDockerHost()
                + ": cannot use the TLS files of DOCKER_CERT_PATH " + (dockerConfig.getSSLConfig() instanceof
                    LocalDirectorySSLConfig certs ? certs.getDockerCertPath() : "(unset)") + " ("
                + DockerErrors.describe(e.getCause() != null ? e.getCause() : e) + ")"));
        }
        WorkerExecutor workers = vertx.createSharedWorkerExecutor("docker-control", DOCKER_WORKERS);
        Optional<ExecMark> mark = ExecMark.of(ProcessTable.system());
        DockerControl control = new DockerControl(docker, workers, metrics, mark);
        DockerEndpoint endpoint = DockerEndpoint.of(dockerConfig.getDockerHost(),
            dockerConfig.getSSLConfig() instanceof LocalDirectorySSLConfig certs ? Path.of(certs.getDockerCertPath()) : null);
        NetClient streams = vertx.createNetClient(endpoint.clientOptions());
        ExecTerminator terminator = new ExecTerminator(vertx, control, workers, settings.limits().killGrace(), metrics);
        // Teardown needs the Docker host's pids: say at once if they cannot be seen (without delaying the start).
        Future<?> pidCheck = new HostPidCheck(docker, workers, ProcessTable.system()).run()
            .onComplete(HostPidCheck::log);
        // What an earlier broker left when it died (SIGKILL, a crash) is killed now, in the background too.
        Future<?> sweep = mark.<Future<?>>map(self -> new OrphanSweep(vertx, docker, workers, ProcessTable.system(),
            settings.limits().killGrace(), self).run().onComplete(swept -> OrphanSweep.report(swept, metered)))
            .orElse(Future.succeededFuture());
        // A stop waits for them: their Docker calls must not end on a Vert.x that has been closed.
        Future<Void> background = Future.join(pidCheck, sweep).<Void>mapEmpty().otherwiseEmpty();
        SessionRegistry registry = new SessionRegistry(settings.limits().maxSessions());

        WorkerExecutor lookups = vertx.createSharedWorkerExecutor("docker-lookup", LOOKUP_WORKERS);
        // A kept answer skips Docker and the bound; what Docker must answer waits within the bound.
        ExecPolicy policy = new ExecPolicy(settings.policy(), new CachedContainerLookup(new BoundedLookup(vertx,
            new DockerContainerLookup(docker, lookups, metrics), LOOKUP_TIMEOUT, MAX_WAITING_LOOKUPS)));
        if (settings.policy().equals(PolicyRules.ALLOW_ALL)) {
            LOG.warn("no policy rules configured: every grant the authorizer makes is allowed");
        }
        HandshakeChecks checks = new HandshakeChecks(settings.handshake(), metered, metrics);
        HttpClient events = vertx.createHttpClient(endpoint.eventsClientOptions(), new PoolOptions()
            .setHttp1MaxSize(EVENT_STREAMS).setMaxWaitQueueSize(settings.events().maxWatchers()));
        EventHub hub = new EventHub(vertx.getOrCreateContext(), events, endpoint.address(), endpoint.hostHeader(),
            settings.events().maxWatchers());
        Router router = Router.router(vertx);
        router.get(settings.path()).handler(new ExecHandshakeHandler(vertx, decides, policy,
            new DockerExecLauncher(control, terminator, streams, endpoint), settings.limits(), settings.handshake(),
            registry, metered, checks, metrics));
        router.get(settings.events().path()).handler(new EventsHandshakeHandler(decides, policy,
            new Watches(hub, settings.events(), metered, Clock.systemUTC()), checks, metered));
        metrics.open(registry::open, hub::watching);
        Readiness readiness = new Readiness(vertx, control::ping, decides::ready);
        // As JSON like every other refusal, and without echoing the client's path.
        router.errorHandler(404, ctx -> HandshakeChecks.reject(ctx, 404, "not found (the broker serves "
            + settings.path() + " and " + settings.events().path() + ")"));
        router.errorHandler(405, ctx -> HandshakeChecks.reject(ctx, 405, "method not allowed (expected: GET)"));

        HttpServerOptions options = new HttpServerOptions()
            .setHost(settings.host())
            .setPort(settings.port())
            .setMaxWebSocketMessageSize(settings.limits().maxMessageBytes())
            .setMaxWebSocketFrameSize(settings.limits().maxFrameBytes())
            .setWebSocketSubProtocols(List.of(SUBPROTOCOL_V1))
            // No permessage-deflate: terminal output is small, bulk output is often already compressed, and
            // deflate would cost more CPU per GiB than the whole broker otherwise spends.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setTcpNoDelay(true)
            // Until the upgrade: a connection that stalls in its request is closed (the sessions take it off).
            .setIdleTimeout((int) settings.handshake().idleBeforeUpgrade().toSeconds())
            .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
        if (tls != null) {
            tls.applyTo(options);
        }
        EventLoopServers servers = new EventLoopServers(vertx, options, router, EVENT_LOOPS);
        CertificateReloader reloader = tls == null ? null
            : new CertificateReloader(vertx, workers, servers.first(), tls);
        Broker broker = new Broker(vertx, docker, workers, lookups, streams, registry, servers, hub, events, metrics,
            readiness, reloader, background);
        return checkDockerTls(control, events, endpoint, dockerConfig)
            .compose(v -> servers.listen())
            .map(s -> {
                if (tls != null) {
                    LOG.info("TLS to clients with {}{}", tls.describe(), tls.clientCaFile()
                        .map(ca -> ", client certificates required (CAs of " + ca + ")").orElse(""));
                    reloader.start();
                }
                return broker;
            })
            .recover(failure -> broker.stop().transform(v -> Future.failedFuture(failure)));
    }

    /**
     * With TLS to Docker, one ping by each client (the streams' and docker-java's) before listening: a certificate that Docker refuses, or one of Docker's that the
     * broker does not trust, will not fix itself, so the start fails naming Docker and TLS. Any other failure (Docker
     * not up yet) does not stop the start: the broker answers 503 until Docker is there, as without TLS.
     */
    private static Future<Void> checkDockerTls(DockerControl control, HttpClient streams, DockerEndpoint endpoint,
                                               DefaultDockerClientConfig dockerConfig) {
        if (!endpoint.tls()) {
            return Future.succeededFuture();
        }
        return DockerPing.over(streams, endpoint).compose(v -> control.ping()).recover(failure -> {
            java.util.Optional<String> tls = DockerErrors.tlsFailure(failure);
            if (tls.isPresent()) {
                return Future.failedFuture(new ConfigException("DOCKER_HOST " + dockerConfig.getDockerHost() + ": "
                    + tls.get() + " (DOCKER_CERT_PATH " + endpoint.tlsCertPath() + ")"));
            }
            LOG.warn("Docker does not answer at {} yet: {}", dockerConfig.getDockerHost(), DockerErrors.causes(failure));
            return Future.succeededFuture();
        });
    }

    /** Returns true if clients connect with TLS ({@code wss://}). */
    public boolean tls() {
        return reloader != null;
    }

    /** Returns the port the broker listens on. */
    public int port() {
        return servers.port();
    }

    public SessionRegistry sessions() {
        return registry;
    }

    /** Returns the broker's metrics, for the ops listener and tests. */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** Returns the readiness checks: Docker's ping and the authorizer's key material. */
    public Readiness readiness() {
        return readiness;
    }

    /** Returns the shared Docker events subscription of the watches. */
    public EventHub events() {
        return hub;
    }

    /** Stops taking handshakes, sends {@code shutdown} to every session, kills their processes, then closes. */
    public Future<Void> stop() {
        if (reloader != null) {
            reloader.stop();
        }
        return registry.shutdownAll()
            .transform(v -> hub.close())
            .transform(v -> servers.close())
            .transform(v -> events.close())
            .transform(v -> streams.close())
            .transform(v -> background)
            .transform(v -> workers.executeBlocking(() -> {
                docker.close();
                return null;
            }, false))
            .transform(v -> lookups.close())
            .transform(v -> workers.close())
            .andThen(v -> metrics.close());
    }
}
