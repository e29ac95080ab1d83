package io.execbroker.broker.auth;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.InvalidGrantException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the web app that issued a token what it grants (controller contract v1, DESIGN.md §5):
 * {@code GET <controller-url>?token=…&command=…&tty=…}. 200 with a valid grant goes on; 401, 403 and 404 are
 * passed to the client; any other status or an invalid body is 502; a timeout is 504; a refused connection is 503.
 * The token goes to the controller only, never to a log. Thread safe.
 */
public final class ControllerAuthorizer implements Authorizer {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerAuthorizer.class);

    /**
     * Settings of the controller call.
     *
     * @param url the controller endpoint, like {@code https://app.example/exec/controller}
     * @param brokerSecret sent as {@code Authorization: Bearer} so the controller knows the broker, if set
     * @param defaultContainer the container for grants that name none (the ws-subprocess form), or null
     * @param timeout bounds the whole call (DoS protection: a hung controller must not hold handshakes)
     * @param maxBodyBytes bounds the response body (DoS protection)
     * @param maxInFlight controller calls at once; past it a handshake gets 503 (protects the controller)
     */
    public record Settings(String url, Optional<String> brokerSecret, String defaultContainer, Duration timeout,
                           int maxBodyBytes, int maxInFlight) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
        public static final int DEFAULT_MAX_IN_FLIGHT = 64;

        public Settings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(brokerSecret, "brokerSecret");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    private final WebClient client;
    private final Settings settings;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    public ControllerAuthorizer(WebClient client, Settings settings) {
        this.client = client;
        this.settings = settings;
    }

    @Override
    public Future<ExecGrant> authorize(HandshakeRequest request) {
        if (request.token().isEmpty()) {
            return Future.failedFuture(new AuthorizationException(401, "no token"));
        }
        if (inFlight.incrementAndGet() > settings.maxInFlight()) {
            inFlight.decrementAndGet();
            return Future.failedFuture(new AuthorizationException(503, "too many controller calls in flight"));
        }
        HttpRequest<Buffer> call = client.getAbs(settings.url())
            .timeout(settings.timeout().toMillis())
            .as(BoundedBody.codec(settings.maxBodyBytes()))
            .putHeader(HttpHeaders.ACCEPT.toString(), "application/json")
            .putHeader("X-Forwarded-For", request.remoteAddress())
            .addQueryParam("token", request.token().get());
        request.requestedCommand().forEach(arg -> call.addQueryParam("command", arg));
        request.requestedTty().ifPresent(tty -> call.addQueryParam("tty", tty.toString()));
        request.origin().ifPresent(origin -> call.putHeader(HttpHeaders.ORIGIN.toString(), origin));
        request.userAgent().ifPresent(agent -> call.putHeader(HttpHeaders.USER_AGENT.toString(), agent));
        settings.brokerSecret().ifPresent(secret -> call.bearerTokenAuthentication(secret));
        return call.send()
            .andThen(ar -> inFlight.decrementAndGet())
            .transform(ar -> ar.succeeded() ? answer(ar.result()) : Future.failedFuture(failure(ar.cause())));
    }

    private Future<ExecGrant> answer(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 401 || status == 403 || status == 404) {
            return Future.failedFuture(new AuthorizationException(status, "the controller refused the token (" + status + ")"));
        }
        if (status != 200) {
            LOG.warn("controller answered {} (expected 200, 401, 403 or 404)", status);
            return Future.failedFuture(new AuthorizationException(502, "the controller failed (" + status + ")"));
        }
        Buffer body = response.body() == null ? Buffer.buffer() : response.body();
        try {
            return Future.succeededFuture(GrantJson.parse(body.toString(StandardCharsets.UTF_8), settings.defaultContainer()));
        } catch (InvalidGrantException e) {
            LOG.warn("controller answered an invalid grant: {}", e.getMessage());
            return Future.failedFuture(new AuthorizationException(502, "the controller answered an invalid grant: "
                + e.getMessage()));
        }
    }

    private static AuthorizationException failure(Throwable cause) {
        if (cause instanceof BoundedBody.TooLarge) {
            return new AuthorizationException(502, "the controller answered a body too large");
        }
        if (cause instanceof TimeoutException) {
            return new AuthorizationException(504, "the controller did not answer in time");
        }
        if (cause instanceof ConnectException) {
            return new AuthorizationException(503, "the controller is unreachable");
        }
        LOG.warn("controller call failed: {}", cause.toString());
        return new AuthorizationException(502, "the controller call failed");
    }
}
