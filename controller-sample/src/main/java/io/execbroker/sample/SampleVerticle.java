package io.execbroker.sample;

import io.execbroker.sample.auth.LoginThrottle;
import io.execbroker.sample.auth.Users;
import io.execbroker.sample.config.SampleConfig;
import io.execbroker.sample.http.BoundedWorker;
import io.execbroker.sample.http.SampleRouter;
import io.execbroker.sample.token.Databases;
import io.execbroker.sample.token.JdbcTokenStore;
import io.execbroker.sample.token.JwtTokenIssuer;
import io.execbroker.sample.token.RsaSigningKey;
import io.execbroker.sample.token.StoredTokenIssuer;
import io.execbroker.sample.token.TokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.ext.web.sstore.SessionStore;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring only: the token issuer of the configured mode, the routes and the HTTP server. */
public final class SampleVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SampleVerticle.class);
    /**
     * Pool for PBKDF2 checks; small on purpose, so a login flood cannot take every core (and its queue is bounded by
     * {@code LoginLimits.maxWaitingChecks}).
     */
    static final int PASSWORD_THREADS = 2;
    /** The name of that pool (a shared one, so tests can fill it). */
    static final String PASSWORD_POOL = "sample-password";
    private static final long PURGE_PERIOD_MILLIS = 60_000;

    private final SampleConfig config;
    private final Users users;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private WorkerExecutor passwordWorker;
    private WorkerExecutor jdbcWorker;
    private SessionStore sessionStore;
    private DataSource dataSource;
    private HttpServer server;

    public SampleVerticle(SampleConfig config, Users users, Clock clock) {
        this.config = config;
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        passwordWorker = vertx.createSharedWorkerExecutor(PASSWORD_POOL, PASSWORD_THREADS);
        sessionStore = LocalSessionStore.create(vertx);
        Future<SampleRouter.Parts> parts = config.jwt().isPresent() ? jwtParts(config.jwt().get()) : storedParts();
        return parts.compose(p -> {
            HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port());
            config.tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.certPem().toString()).setKeyPath(tls.keyPem().toString())));
            return vertx.createHttpServer(options).requestHandler(SampleRouter.create(vertx, p)).listen();
        }).onSuccess(s -> {
            server = s;
            LOG.info("controller-sample listening on {}:{} ({} mode, {})", config.host(), s.actualPort(),
                config.jwt().isPresent() ? "JWT" : "token", brokers());
        });
    }

    private Future<SampleRouter.Parts> jwtParts(SampleConfig.JwtSettings jwt) {
        return vertx.executeBlocking(() -> jwt.privateKeyPem().map(RsaSigningKey::load)
            .orElseGet(RsaSigningKey::generate)).map(key -> {
                TokenIssuer issuer = new JwtTokenIssuer(key, jwt.audience(), jwt.issuer(), clock, config.tokenTtl(),
                    random);
                return parts(issuer, Optional.empty(), Optional.of(key));
            });
    }

    private Future<SampleRouter.Parts> storedParts() {
        jdbcWorker = vertx.createSharedWorkerExecutor("sample-jdbc", Databases.MAX_H2_CONNECTIONS);
        return jdbcWorker.executeBlocking(() -> Databases.open(config.jdbcUrl()), false).compose(ds -> {
            dataSource = ds;
            JdbcTokenStore store = new JdbcTokenStore(ds, jdbcWorker);
            vertx.setPeriodic(PURGE_PERIOD_MILLIS, id -> store.deleteExpired(clock.instant())
                .onFailure(e -> LOG.warn("purging expired tokens failed: {}", e.toString())));
            TokenIssuer issuer = new StoredTokenIssuer(store, clock, config.tokenTtl(), random);
            return store.createSchema().map(v -> parts(issuer, Optional.of(store), Optional.empty()));
        });
    }

    private SampleRouter.Parts parts(TokenIssuer issuer, Optional<JdbcTokenStore> store, Optional<RsaSigningKey> key) {
        BoundedWorker passwordChecks = new BoundedWorker(passwordWorker, "password checks", PASSWORD_THREADS,
            config.login().maxWaitingChecks());
        return new SampleRouter.Parts(users, issuer, store, config.brokerSecret(), key, passwordChecks,
            new LoginThrottle(config.login(), clock), sessionStore, config.brokers(), config.cookieSecure(), clock);
    }

    /** The brokers as the start line shows them, like {@code brokers host-a at ws://…, host-b at ws://…}. */
    private String brokers() {
        return (config.brokers().isFleet() ? "brokers " : "broker ") + String.join(", ", config.brokers().routes()
            .stream().map(r -> r.id() + " at " + r.url()).toList());
    }

    /** Returns the port the server listens on; valid after start. */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> {
            passwordWorker.close();
            sessionStore.close();
            if (jdbcWorker != null) {
                jdbcWorker.close();
            }
            if (dataSource != null) {
                Databases.close(dataSource);
            }
            return Future.succeededFuture();
        });
    }
}
