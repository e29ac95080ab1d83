package io.execbroker.broker.cli;

import io.execbroker.broker.Broker;
import io.execbroker.broker.audit.JsonLinesAuditLog;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.config.BrokerConfig;
import io.execbroker.broker.config.ConfigException;
import io.execbroker.broker.config.ConfigValues;
import io.execbroker.broker.config.StartupWarnings;
import io.execbroker.broker.ops.OpsServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code exec-broker serve}: reads the settings (file, then {@code EXEC_BROKER_…} environment, then these flags),
 * refuses to start on a bad one, runs the broker until SIGTERM or SIGINT, then stops it gracefully (every client
 * gets {@code shutdown} and close 1001, every process is killed) and exits 0. The flag names are a public
 * interface; every key is in docs/configuration.md.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Runs the broker.",
    footer = {"", "Every setting, its environment variable and default: docs/configuration.md"})
public final class ServeCommand implements Callable<Integer> {
    /** Exit status when the settings are wrong, as picocli uses for usage errors. */
    static final int BAD_CONFIG = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML or JSON config file")
    private Path config;
    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where to listen (default 127.0.0.1:8866)")
    private String listen;
    @Option(names = "--ops-listen", paramLabel = "HOST:PORT|off",
        description = "Where /metrics, /healthz and /readyz listen (default 127.0.0.1:9866)")
    private String opsListen;
    @Option(names = "--path", description = "The WebSocket path (default /exec)")
    private String path;
    @Option(names = "--events-path", description = "The WebSocket path of Docker events watches (default /events)")
    private String eventsPath;
    @Option(names = "--controller-url", paramLabel = "URL", description = "Controller mode: where to ask about tokens")
    private String controllerUrl;
    @Option(names = "--controller-secret-file", paramLabel = "FILE", description = "The secret for the controller")
    private String controllerSecretFile;
    @Option(names = "--default-container", paramLabel = "NAME", description = "The container of grants that name none")
    private String defaultContainer;
    @Option(names = "--jwt-secret-file", paramLabel = "FILE", description = "JWT mode: the HMAC secret")
    private String jwtSecretFile;
    @Option(names = "--jwt-public-key", paramLabel = "FILE", description = "JWT mode: an RSA or EC public key (PEM)")
    private String jwtPublicKey;
    @Option(names = "--jwks-url", paramLabel = "URL", description = "JWT mode: a JWKS URL")
    private String jwksUrl;
    @Option(names = "--jwt-issuer", paramLabel = "ISS", description = "The required iss claim")
    private String jwtIssuer;
    @Option(names = "--broker-id", paramLabel = "ID", description = "This broker's id in its fleet (default: the host"
        + " name): sent to the controller, and the JWT aud required unless --jwt-audience is set")
    private String brokerId;
    @Option(names = "--public-url", paramLabel = "URL", description = "The ws:// or wss:// URL clients reach this broker at")
    private String publicUrl;
    @Option(names = "--jwt-audience", paramLabel = "AUD", description = "The aud a token must carry when it names a"
        + " fleet (default: the broker id)")
    private String jwtAudience;
    @Option(names = "--origin", paramLabel = "ORIGIN", description = "An allowed browser origin (repeatable)")
    private List<String> origins;
    @Option(names = "--max-sessions", paramLabel = "N", description = "Sessions at once (default 100)")
    private String maxSessions;
    @Option(names = "--audit-log", paramLabel = "FILE|-", description = "Audit log file, or - for stdout (default)")
    private String auditLog;
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "TLS (wss://): the certificate in PEM")
    private String tlsCert;
    @Option(names = "--tls-key", paramLabel = "FILE", description = "TLS: the certificate's private key in PEM")
    private String tlsKey;
    @Option(names = "--tls-client-ca", paramLabel = "FILE", description = "TLS: require client certificates of these CAs")
    private String tlsClientCa;
    @Option(names = "--no-query-token", description = "Refuse tokens in the query string")
    private boolean noQueryToken;

    @Override
    public Integer call() throws Exception {
        BrokerConfig cfg;
        try {
            cfg = BrokerConfig.from(ConfigValues.load(Optional.ofNullable(config), System.getenv(), flags()));
        } catch (ConfigException e) {
            System.err.println("exec-broker: cannot start: " + e.getMessage());
            return BAD_CONFIG;
        }
        StartupWarnings.of(cfg).forEach(warning -> LOG.warn("risky configuration: {}", warning));
        JsonLinesAuditLog audit = "-".equals(cfg.auditLog()) ? JsonLinesAuditLog.toStream(System.out)
            : JsonLinesAuditLog.toFile(Path.of(cfg.auditLog()));
        Vertx vertx = Vertx.vertx(Broker.vertxOptions());
        Authorizer authorizer;
        try {
            authorizer = Authorizers.create(vertx, cfg);
        } catch (ConfigException e) {
            System.err.println("exec-broker: cannot start: " + e.getMessage());
            vertx.close();
            return BAD_CONFIG;
        }
        Broker broker;
        try {
            broker = Broker.start(vertx, cfg.settings(), authorizer, audit).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ConfigException bad)) {
                throw e;
            }
            // A TLS file that cannot be used, or TLS to Docker that fails: found only once the files are read.
            System.err.println("exec-broker: cannot start: " + bad.getMessage());
            audit.close();
            vertx.close();
            return BAD_CONFIG;
        }
        broker.metrics().auditDropped(audit, JsonLinesAuditLog::dropped);
        if (!startOps(vertx, cfg, broker)) {
            broker.stop().transform(v -> vertx.close()).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
            audit.close();
            return 1;
        }
        broker.metrics().identity(cfg.identity().id());
        LOG.info("exec-broker listening on {}:{}{}, events on {} (broker {}{}, {} mode{}, {} transport{})",
            cfg.settings().host(), broker.port(), cfg.settings().path(), cfg.settings().events().path(),
            cfg.identity().id(), cfg.identity().publicUrl().map(url -> " at " + url).orElse(""),
            cfg.controller().isPresent() ? "controller" : "JWT",
            cfg.controller().isPresent() ? "" : ", aud " + cfg.jwtAudience(),
            vertx.isNativeTransportEnabled() ? "native" : "NIO", cfg.settings().tls().isPresent() ? ", TLS" : "");

        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onStop(() -> {
            LOG.info("stopping: shutting down sessions");
            // The ops listener closes with Vert.x, last: /healthz answers while the sessions shut down.
            broker.stop().transform(v -> vertx.close()).onComplete(v -> stopped.countDown());
        });
        stopped.await();
        audit.close();
        LOG.info("stopped");
        return 0;
    }

    /** Starts the ops listener if {@code ops.listen} asks for one; false (said on stderr) if it cannot listen. */
    private static boolean startOps(Vertx vertx, BrokerConfig cfg, Broker broker) throws Exception {
        if (cfg.ops().isEmpty()) {
            return true;
        }
        BrokerConfig.HostPort at = cfg.ops().get();
        try {
            JsonObject identity = new JsonObject().put("id", cfg.identity().id());
            cfg.identity().publicUrl().ifPresent(url -> identity.put("publicUrl", url.toString()));
            OpsServer ops = OpsServer.start(vertx, at.host(), at.port(), broker.metrics(), broker.readiness(), identity)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.info("metrics and probes on http://{}:{}/metrics, /healthz, /readyz", at.host(), ops.port());
            return true;
        } catch (ExecutionException e) {
            System.err.println("exec-broker: cannot start: ops.listen: cannot listen on " + at.host() + ":"
                + at.port() + " (" + e.getCause().getMessage() + ")");
            return false;
        }
    }

    /** Returns the flags that were given, by config key. */
    private Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "listen", listen);
        put(flags, "path", path);
        put(flags, "ops.listen", opsListen);
        put(flags, "eventsPath", eventsPath);
        put(flags, "broker.id", brokerId);
        put(flags, "broker.publicUrl", publicUrl);
        put(flags, "controller.url", controllerUrl);
        put(flags, "controller.secretFile", controllerSecretFile);
        put(flags, "defaultContainer", defaultContainer);
        put(flags, "jwt.secretFile", jwtSecretFile);
        put(flags, "jwt.publicKeyFile", jwtPublicKey);
        put(flags, "jwt.jwksUrl", jwksUrl);
        put(flags, "jwt.issuer", jwtIssuer);
        put(flags, "jwt.audience", jwtAudience);
        put(flags, "origins", origins == null ? null : String.join(",", origins));
        put(flags, "limits.maxSessions", maxSessions);
        put(flags, "audit.log", auditLog);
        put(flags, "tls.certFile", tlsCert);
        put(flags, "tls.keyFile", tlsKey);
        put(flags, "tls.clientCaFile", tlsClientCa);
        if (noQueryToken) {
            flags.put("queryToken", "false");
        }
        return flags;
    }

    private static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
