package io.execbroker.broker.cli;

import io.execbroker.broker.Broker;
import io.execbroker.broker.audit.JsonLinesAuditLog;
import io.execbroker.broker.auth.ControllerAuthorizer;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.HandshakeSettings;
import io.execbroker.broker.config.SessionLimits;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code exec-broker serve}: runs the broker until SIGTERM or SIGINT, then stops it gracefully (every client gets
 * {@code shutdown} and close 1001, every process is killed) and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Runs the broker.")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where to listen (default: ${DEFAULT-VALUE})",
        defaultValue = "127.0.0.1:8866")
    private String listen;

    @Option(names = "--path", description = "The WebSocket path of exec sessions (default: ${DEFAULT-VALUE})",
        defaultValue = "/exec")
    private String path;

    @Option(names = "--controller-url", required = true, paramLabel = "URL",
        description = "The controller that answers what a token may run (GET URL?token=...)")
    private String controllerUrl;

    @Option(names = "--controller-secret-file", paramLabel = "FILE",
        description = "A file holding the secret the broker sends the controller as Authorization: Bearer")
    private Path controllerSecretFile;

    @Option(names = "--default-container", paramLabel = "NAME",
        description = "The container of grants that name none")
    private String defaultContainer;

    @Option(names = "--audit-log", paramLabel = "FILE|-", defaultValue = "-",
        description = "Where audit records go, one JSON line each: a file (appended) or - for stdout (default)")
    private String auditLog;

    @Option(names = "--max-sessions", paramLabel = "N", description = "Sessions at once (default: ${DEFAULT-VALUE})",
        defaultValue = "100")
    private int maxSessions;

    @Override
    public Integer call() throws Exception {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "--listen: " + listen + " (expected: HOST:PORT)");
        }
        BrokerSettings settings = new BrokerSettings(listen.substring(0, colon),
            Integer.parseInt(listen.substring(colon + 1)), path, SessionLimits.DEFAULTS.withMaxSessions(maxSessions),
            HandshakeSettings.DEFAULTS);
        Optional<String> secret = controllerSecretFile == null ? Optional.empty()
            : Optional.of(Files.readString(controllerSecretFile, StandardCharsets.UTF_8).strip());

        JsonLinesAuditLog audit = "-".equals(auditLog) ? JsonLinesAuditLog.toStream(System.out)
            : JsonLinesAuditLog.toFile(Path.of(auditLog));
        Vertx vertx = Vertx.vertx();
        ControllerAuthorizer authorizer = new ControllerAuthorizer(WebClient.create(vertx),
            new ControllerAuthorizer.Settings(controllerUrl, secret, defaultContainer,
                ControllerAuthorizer.Settings.DEFAULT_TIMEOUT, ControllerAuthorizer.Settings.DEFAULT_MAX_BODY_BYTES));
        Broker broker = Broker.start(vertx, settings, authorizer, audit).toCompletionStage().toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        LOG.info("exec-broker listening on {}:{}{}", settings.host(), broker.port(), settings.path());

        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onStop(() -> {
            LOG.info("stopping: shutting down sessions");
            broker.stop().transform(v -> vertx.close()).onComplete(v -> stopped.countDown());
        });
        stopped.await();
        audit.close();
        LOG.info("stopped");
        return 0;
    }
}
