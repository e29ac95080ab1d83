package io.execbroker.broker.http;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.ops.BrokerMetrics;
import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.config.HandshakeSettings;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The cheap checks every WebSocket route makes before it asks an authorizer, in order (DESIGN.md §1): a WebSocket
 * upgrade (400; 426 for a version other than 13, see {@link UpgradeHeaders}), the handshake rate per IP (429, with {@code Retry-After}), the Origin (403), the token sources (400
 * for a malformed token subprotocol). One instance serves {@code /exec} and {@code /events}, so they share one rate
 * per IP. A refusal is an HTTP status with {@code {"error": "..."}} and an audit record. Thread safe.
 */
public final class HandshakeChecks {
    private final HandshakeRateLimiter rateLimiter;
    private final OriginCheck originCheck;
    private final TokenExtractor tokens;
    /** Where {@link #admit} keeps the route's purpose, for the metrics of its refusals. */
    private static final String PURPOSE = "exec-broker.purpose";

    private final AuditLog audit;
    private final BrokerMetrics metrics;

    /** With metrics kept in memory only. */
    public HandshakeChecks(HandshakeSettings handshake, AuditLog audit) {
        this(handshake, audit, BrokerMetrics.inMemory());
    }

    public HandshakeChecks(HandshakeSettings handshake, AuditLog audit, BrokerMetrics metrics) {
        this.rateLimiter = new HandshakeRateLimiter(handshake.handshakesPerSecond(), handshake.handshakeBurst(),
            HandshakeSettings.MAX_TRACKED_CLIENTS, Clock.systemUTC());
        this.originCheck = new OriginCheck(handshake.allowedOrigins());
        this.tokens = new TokenExtractor(handshake.queryTokenAllowed());
        this.audit = audit;
        this.metrics = metrics;
    }

    /** Returns the request for the authorizer, or empty once the handshake has been refused and audited. */
    Optional<HandshakeRequest> admit(RoutingContext ctx, HandshakeRequest.Purpose purpose) {
        HttpServerRequest request = ctx.request();
        ctx.put(PURPOSE, purpose);
        if (!isWebSocketUpgrade(request)) {
            counted(ctx, 400);
            reject(ctx, 400, "expected a WebSocket upgrade");
            return Optional.empty();
        }
        Optional<AuthorizationException> unfit = UpgradeHeaders.problem(request);
        if (unfit.isPresent()) {
            if (unfit.get().status() == 426) {
                ctx.response().putHeader(UpgradeHeaders.VERSION_HEADER, UpgradeHeaders.VERSION);
            }
            counted(ctx, unfit.get().status());
            reject(ctx, unfit.get().status(), unfit.get().getMessage());
            return Optional.empty();
        }
        String ip = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        Duration wait = rateLimiter.tryAcquire(ip);
        if (!wait.isZero()) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
            deny(ctx, ip, Optional.empty(), 429, "too many handshakes, retry later", null, null);
            return Optional.empty();
        }
        Optional<String> origin = Optional.ofNullable(request.getHeader(HttpHeaders.ORIGIN));
        if (!originCheck.allows(origin)) {
            deny(ctx, ip, origin, 403, "origin not allowed", null, null);
            return Optional.empty();
        }
        try {
            return Optional.of(HandshakeRequests.from(request, tokens, ip, origin, purpose));
        } catch (AuthorizationException e) {
            deny(ctx, ip, origin, e.status(), e.getMessage(), null, null);
            return Optional.empty();
        }
    }

    /** Refuses before the upgrade, and says so in the audit log. */
    void deny(RoutingContext ctx, String ip, Optional<String> origin, int status, String reason, ExecGrant grant,
              String rule) {
        audit.record(AuditRecord.denied(Instant.now(), ip, origin, status, reason, Optional.ofNullable(rule),
            Optional.ofNullable(grant)));
        counted(ctx, status);
        reject(ctx, status, reason);
    }

    /** Counts a refusal with {@code status} of the route {@link #admit} saw, for one not made by {@link #deny}. */
    void counted(RoutingContext ctx, int status) {
        HandshakeRequest.Purpose purpose = ctx.get(PURPOSE);
        metrics.handshake(purpose == HandshakeRequest.Purpose.EVENTS ? "events" : "exec", status);
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    /** Answers {@code status} with {@code {"error": message}}, unless an answer was already sent. */
    public static void reject(RoutingContext ctx, int status, String message) {
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
