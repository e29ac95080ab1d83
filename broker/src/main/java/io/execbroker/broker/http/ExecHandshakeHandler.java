package io.execbroker.broker.http;

import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.config.HandshakeSettings;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.ExecLauncher;
import io.execbroker.broker.session.ExecSession;
import io.execbroker.broker.session.SessionRegistry;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exec route: every check happens before the WebSocket upgrade, and a refusal is an HTTP status with a short
 * JSON body {@code {"error": "..."}}; only a granted handshake is upgraded and handed to an {@link ExecSession}.
 * Cheap checks come first (DESIGN.md §1): handshake rate per IP (429), Origin (403), token sources (400), the
 * session cap (503), and only then the authorizer; the per-subject cap (429) once the grant names its subject.
 */
public final class ExecHandshakeHandler implements Handler<RoutingContext> {
    /** The text the original server sent when full; its clients may look for it. */
    public static final String TOO_MANY_SESSIONS = "Too many sessions active!";
    private static final Logger LOG = LoggerFactory.getLogger(ExecHandshakeHandler.class);

    private final Vertx vertx;
    private final Authorizer authorizer;
    private final ExecLauncher launcher;
    private final SessionLimits limits;
    private final HandshakeSettings handshake;
    private final SessionRegistry registry;
    private final HandshakeRateLimiter rateLimiter;
    private final OriginCheck originCheck;
    private final TokenExtractor tokens;

    public ExecHandshakeHandler(Vertx vertx, Authorizer authorizer, ExecLauncher launcher, SessionLimits limits,
                                HandshakeSettings handshake, SessionRegistry registry) {
        this.vertx = vertx;
        this.authorizer = authorizer;
        this.launcher = launcher;
        this.limits = limits;
        this.handshake = handshake;
        this.registry = registry;
        this.rateLimiter = new HandshakeRateLimiter(handshake.handshakesPerSecond(), handshake.handshakeBurst(),
            HandshakeSettings.MAX_TRACKED_CLIENTS, Clock.systemUTC());
        this.originCheck = new OriginCheck(handshake.allowedOrigins());
        this.tokens = new TokenExtractor(handshake.queryTokenAllowed());
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!isWebSocketUpgrade(request)) {
            reject(ctx, 400, "expected a WebSocket upgrade");
            return;
        }
        String ip = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        Duration wait = rateLimiter.tryAcquire(ip);
        if (!wait.isZero()) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
            reject(ctx, 429, "too many handshakes, retry later");
            return;
        }
        Optional<String> origin = Optional.ofNullable(request.getHeader(HttpHeaders.ORIGIN));
        if (!originCheck.allows(origin)) {
            reject(ctx, 403, "origin not allowed");
            return;
        }
        HandshakeRequest handshakeRequest;
        try {
            handshakeRequest = HandshakeRequests.from(request, tokens, ip, origin);
        } catch (AuthorizationException e) {
            reject(ctx, e.status(), e.getMessage());
            return;
        }
        if (!registry.tryReserve()) {
            reject(ctx, 503, TOO_MANY_SESSIONS);
            return;
        }
        request.pause();
        authorizer.authorize(handshakeRequest).onComplete(granted -> {
            if (granted.failed()) {
                registry.release();
                refuse(ctx, granted.cause());
                return;
            }
            ExecGrant grant = granted.result();
            String subject = grant.subject().orElse(null);
            if (subject != null && !registry.tryClaimSubject(subject, handshake.maxSessionsPerSubject())) {
                registry.release();
                reject(ctx, 429, "too many sessions for this subject");
                return;
            }
            request.toWebSocket().onComplete(upgraded -> {
                if (upgraded.failed()) {
                    registry.release();
                    if (subject != null) {
                        registry.releaseSubject(subject);
                    }
                    LOG.debug("upgrade failed: {}", upgraded.cause().toString());
                    return;
                }
                new ExecSession(vertx, upgraded.result(), grant, launcher, limits, registry).start();
            });
        });
    }

    private static void refuse(RoutingContext ctx, Throwable cause) {
        if (cause instanceof AuthorizationException refused) {
            reject(ctx, refused.status(), refused.getMessage());
        } else {
            LOG.warn("authorization failed: {}", cause.toString());
            reject(ctx, 500, "authorization failed");
        }
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    static void reject(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
            .setStatusCode(status)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end(new JsonObject().put("error", message).encode());
    }
}
