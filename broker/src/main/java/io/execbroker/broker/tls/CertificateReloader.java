package io.execbroker.broker.tls;

import io.execbroker.broker.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a certificate replaced on disk without a restart: every {@code tls.reloadSeconds} it reads the TLS files
 * again (on a worker) and, when they changed and are valid together, hands them to
 * {@link HttpServer#updateSSLOptions}; new connections get the new certificate, open ones keep theirs. A check
 * finding files that are not valid (a certificate written before its key, say) keeps the current certificate,
 * says so once at WARN and tries again at the next check. A periodic check rather than SIGHUP: it needs no signal
 * from whatever renews the certificate (cert-manager, a Kubernetes secret volume, certbot), and a file watch would
 * miss the symlink swap of a secret volume. State is confined to the timer's context.
 */
public final class CertificateReloader {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final HttpServer server;
    private ServerTls current;
    /** The last reason files were refused, so that one bad state is said once, not at every check. */
    private String refused;
    private long timer = -1;
    private boolean checking;

    /** @param current what {@code server} serves now */
    public CertificateReloader(Vertx vertx, WorkerExecutor workers, HttpServer server, ServerTls current) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.server = Objects.requireNonNull(server, "server");
        this.current = Objects.requireNonNull(current, "current");
    }

    /** Starts the periodic checks, unless the interval is zero. Returns immediately. */
    public void start() {
        long millis = current.settings().reloadInterval().toMillis();
        if (millis > 0) {
            timer = vertx.setPeriodic(millis, id -> check());
        }
    }

    /** Stops the checks. */
    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** Reads the files once and serves them if they changed; completes with whether the certificate was replaced. */
    Future<Boolean> check() {
        if (checking) {
            return Future.succeededFuture(false);
        }
        checking = true;
        return workers.<ServerTls>executeBlocking(() -> ServerTls.load(current.settings()), false)
            .compose(loaded -> {
                if (loaded.sameFilesAs(current)) {
                    return Future.succeededFuture(false);
                }
                return server.updateSSLOptions(loaded.sslOptions()).map(updated -> {
                    current = loaded;
                    refused = null;
                    LOG.info("TLS certificate reloaded from {}: {}", loaded.settings().certFile(), loaded.describe());
                    return updated;
                });
            })
            .recover(failure -> {
                String why = failure instanceof ConfigException ? failure.getMessage() : failure.toString();
                if (!why.equals(refused)) {
                    refused = why;
                    LOG.warn("TLS certificate not reloaded, keeping {}: {}", current.describe(), why);
                }
                return Future.succeededFuture(false);
            })
            .onComplete(done -> checking = false);
    }
}
