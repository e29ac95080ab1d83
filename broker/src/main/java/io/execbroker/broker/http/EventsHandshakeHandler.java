package io.execbroker.broker.http;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.events.EventHub;
import io.execbroker.broker.events.WatchQuery;
import io.execbroker.broker.events.WatchScope;
import io.execbroker.broker.events.Watches;
import io.execbroker.broker.policy.ExecPolicy;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events route: a WebSocket watch of Docker events, checked like an exec session before the upgrade. In order:
 * the shared {@link HandshakeChecks} (400, 429, 403, 400), the watcher's own query (400 naming the bad part), the
 * watcher cap (503), the authorizer's watch grant (its status; an exec grant is 403), the subject's watch cap
 * (429), and only then Docker: the shared events stream must be open (503 "Docker is unreachable" otherwise).
 * Each refusal is audited.
 */
public final class EventsHandshakeHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(EventsHandshakeHandler.class);

    private final Authorizer authorizer;
    private final ExecPolicy policy;
    private final Watches watches;
    private final HandshakeChecks checks;
    private final AuditLog audit;

    public EventsHandshakeHandler(Authorizer authorizer, ExecPolicy policy, Watches watches, HandshakeChecks checks,
                                  AuditLog audit) {
        this.authorizer = authorizer;
        this.policy = policy;
        this.watches = watches;
        this.checks = checks;
        this.audit = audit;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Optional<HandshakeRequest> admitted = checks.admit(ctx, HandshakeRequest.Purpose.EVENTS);
        if (admitted.isEmpty()) {
            return;
        }
        String ip = admitted.get().remoteAddress();
        Optional<String> origin = admitted.get().origin();
        WatchQuery query;
        try {
            query = WatchQuery.parse(request.params().getAll("filter"), request.params().getAll("type"),
                request.getParam("since"), request.getParam("until"));
        } catch (IllegalArgumentException e) {
            checks.deny(ctx, ip, origin, 400, e.getMessage(), null, null);
            return;
        }
        EventHub hub = watches.hub();
        if (!hub.tryReserve()) {
            checks.deny(ctx, ip, origin, 503, "too many watchers", null, null);
            return;
        }
        request.pause();
        // Docker is asked for nothing before the grant is known.
        authorizer.authorizeWatch(admitted.get())
            .compose(this::claimSubject)
            .compose(grant -> hub.ready().map(grant).onFailure(e -> releaseSubject(grant)))
            .onComplete(granted -> {
                if (granted.failed()) {
                    hub.release();
                    refuse(ctx, ip, origin, granted.cause());
                    return;
                }
                upgrade(request, ip, origin, granted.result(), query);
            });
    }

    /** Counts the watch against its subject's cap: 429 past it. */
    private Future<WatchGrant> claimSubject(WatchGrant grant) {
        if (grant.subject().isPresent() && !watches.tryClaimSubject(grant.subject().get())) {
            return Future.failedFuture(new AuthorizationException(429, "too many watches for this subject"));
        }
        return Future.succeededFuture(grant);
    }

    private void releaseSubject(WatchGrant grant) {
        grant.subject().ifPresent(watches::releaseSubject);
    }

    private void upgrade(HttpServerRequest request, String ip, Optional<String> origin, WatchGrant grant,
                         WatchQuery query) {
        io.netty.channel.Channel channel = UpgradedConnection.channel(request);
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                watches.hub().release();
                releaseSubject(grant);
                LOG.debug("upgrade failed: {}", upgraded.cause().toString());
                return;
            }
            UpgradedConnection.endHandshakeBound(channel);
            AuditRecord accepted = AuditRecord.watchAccepted(Instant.now(), UUID.randomUUID().toString(), ip, origin,
                grant);
            audit.record(accepted);
            watches.start(upgraded.result(), new WatchScope(grant.scope(), policy), query, accepted);
        });
    }

    private void refuse(RoutingContext ctx, String ip, Optional<String> origin, Throwable cause) {
        if (cause instanceof AuthorizationException refused) {
            checks.deny(ctx, ip, origin, refused.status(), refused.getMessage(), null, null);
        } else if (cause instanceof EventHub.UnavailableException unavailable) {
            checks.deny(ctx, ip, origin, 503, unavailable.getMessage(), null, null);
        } else {
            LOG.warn("watch authorization failed: {}", cause.toString());
            checks.deny(ctx, ip, origin, 500, "authorization failed", null, null);
        }
    }
}
