package io.execbroker.broker.auth;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.GrantPurposeException;
import io.execbroker.protocol.grant.InvalidGrantException;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;

import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the web app that issued a token what it grants (controller contract v1, DESIGN.md §5):
 * {@code GET <controller-url>?token=…&command=…&tty=…}, and {@code GET <controller-url>?token=…&purpose=events} for a
 * watch of Docker events. 200 with a valid grant goes on; 401, 403 and 404 are
 * passed to the client; any other status, a redirect included (never followed: a grant comes from the configured
 * URL or from nowhere), or an invalid body is 502; a call that has not ended by the timeout, however the controller
 * trickles its answer, is 504; a refused connection is 503. The token goes to the controller only, never to a log;
 * a refusal for an invalid grant names the bad field only, never the controller's text. Thread safe.
 */
public final class ControllerAuthorizer implements Authorizer {
    /** The header naming the broker that asks ({@code broker.id}). */
    public static final String BROKER_ID_HEADER = "X-Exec-Broker-Id";
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
     * @param brokerId sent as {@value #BROKER_ID_HEADER}, so that a controller can refuse a token for another broker
     */
    public record Settings(String url, Optional<String> brokerSecret, String defaultContainer, Duration timeout,
                           int maxBodyBytes, int maxInFlight, Optional<String> brokerId) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
        public static final int DEFAULT_MAX_IN_FLIGHT = 64;

        public Settings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(brokerSecret, "brokerSecret");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(brokerId, "brokerId");
        }

        /** Without a broker id: the controller is not told which broker asks. */
        public Settings(String url, Optional<String> brokerSecret, String defaultContainer, Duration timeout,
                        int maxBodyBytes, int maxInFlight) {
            this(url, brokerSecret, defaultContainer, timeout, maxBodyBytes, maxInFlight, Optional.empty());
        }
    }

    private final BoundedGet http;
    private final Settings settings;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Opens no connection yet; keeps up to {@code maxInFlight} connections to the controller. */
    public ControllerAuthorizer(Vertx vertx, Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = new BoundedGet(vertx, settings.maxInFlight(), settings.timeout(), settings.maxBodyBytes());
    }

    @Override
    public String mode() {
        return "controller";
    }

    @Override
    public Future<ExecGrant> authorize(HandshakeRequest request) {
        return call(request).compose(body -> parsed(() -> GrantJson.parse(body, settings.defaultContainer())));
    }

    /** Asks with {@code purpose=events}; the answer must be a watch grant (an exec grant is 403). */
    @Override
    public Future<WatchGrant> authorizeWatch(HandshakeRequest request) {
        return call(request).compose(body -> parsed(() -> GrantJson.parseWatch(body)));
    }

    /** Returns the body of a 200 answer, or fails with the status to refuse with. */
    private Future<String> call(HandshakeRequest request) {
        if (request.token().isEmpty()) {
            return Future.failedFuture(new AuthorizationException(401, "no token"));
        }
        if (inFlight.incrementAndGet() > settings.maxInFlight()) {
            inFlight.decrementAndGet();
            return Future.failedFuture(new AuthorizationException(503, "too many controller calls in flight"));
        }
        StringBuilder uri = new StringBuilder(settings.url()).append(settings.url().contains("?") ? '&' : '?');
        query(uri, "token", request.token().get());
        // An exec handshake sends what it always sent, so existing controllers answer as before; only a watch
        // says what it is for, and a controller that ignores it answers an exec grant, which is then refused.
        if (request.purpose() == HandshakeRequest.Purpose.EVENTS) {
            query(uri.append('&'), "purpose", "events");
        }
        request.requestedCommand().forEach(arg -> query(uri.append('&'), "command", arg));
        request.requestedTty().ifPresent(tty -> query(uri.append('&'), "tty", tty.toString()));
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
            .add(HttpHeaders.ACCEPT, "application/json")
            .add("X-Forwarded-For", request.remoteAddress());
        request.origin().ifPresent(origin -> headers.add(HttpHeaders.ORIGIN, origin));
        request.userAgent().ifPresent(agent -> headers.add(HttpHeaders.USER_AGENT, agent));
        settings.brokerSecret().ifPresent(secret -> headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + secret));
        settings.brokerId().ifPresent(id -> headers.add(BROKER_ID_HEADER, id));
        return http.get(uri.toString(), headers)
            .andThen(ar -> inFlight.decrementAndGet())
            .transform(ar -> ar.succeeded() ? answer(ar.result()) : Future.failedFuture(failure(ar.cause())));
    }

    private static void query(StringBuilder uri, String name, String value) {
        uri.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private Future<String> answer(BoundedGet.Answer response) {
        int status = response.status();
        if (status == 401 || status == 403 || status == 404) {
            return Future.failedFuture(new AuthorizationException(status, "the controller refused the token (" + status + ")"));
        }
        if (response.redirect()) {
            LOG.warn("controller answered a redirect ({}), which the broker never follows", status);
            return Future.failedFuture(new AuthorizationException(502, "the controller answered a redirect (" + status
                + "), which the broker does not follow"));
        }
        if (status != 200) {
            LOG.warn("controller answered {} (expected 200, 401, 403 or 404)", status);
            return Future.failedFuture(new AuthorizationException(502, "the controller failed (" + status + ")"));
        }
        return Future.succeededFuture(response.body().toString(StandardCharsets.UTF_8));
    }

    private static <G> Future<G> parsed(Supplier<G> parse) {
        try {
            return Future.succeededFuture(parse.get());
        } catch (GrantPurposeException e) {
            return Future.failedFuture(new AuthorizationException(403, "the controller's grant: " + e.getMessage()));
        } catch (InvalidGrantException e) {
            // The field alone, to the client and at WARN: the problem's text may quote the controller's body (a JSON
            // syntax error shows the bytes around it, which may be an env value). The whole text is at DEBUG.
            LOG.warn("controller answered an invalid grant (field {})", e.field().isEmpty() ? "-" : e.field());
            LOG.debug("controller answered an invalid grant: {}", e.getMessage());
            return Future.failedFuture(new AuthorizationException(502, "the controller answered an invalid grant ("
                + (e.field().isEmpty() ? "not a grant object" : "field " + e.field()) + ")"));
        }
    }

    private static AuthorizationException failure(Throwable cause) {
        if (cause instanceof BoundedGet.TooLarge) {
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
