package io.execbroker.broker.http;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.config.HandshakeSettings;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.DockerErrors;
import io.execbroker.broker.docker.ExecLauncher;
import io.execbroker.broker.ops.BrokerMetrics;
import io.execbroker.broker.policy.DockerUnavailableException;
import io.execbroker.broker.policy.ExecPolicy;
import io.execbroker.broker.policy.PolicyDecision;
import io.execbroker.broker.session.ExecSession;
import io.execbroker.broker.session.SessionRegistry;
import io.execbroker.broker.session.SetupTiming;
import io.execbroker.protocol.grant.ExecGrant;
import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

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
    private final HandshakeChecks checks;
    private final AuditLog audit;
    private final ExecPolicy policy;
    private final BrokerMetrics metrics;

    public ExecHandshakeHandler(Vertx vertx, Authorizer authorizer, ExecPolicy policy, ExecLauncher launcher,
                                SessionLimits limits, HandshakeSettings handshake, SessionRegistry registry,
                                AuditLog audit) {
        this(vertx, authorizer, policy, launcher, limits, handshake, registry, audit, new HandshakeChecks(handshake, audit));
    }

    /** With {@code checks} shared with the other routes, so that one rate per IP covers them all. */
    public ExecHandshakeHandler(Vertx vertx, Authorizer authorizer, ExecPolicy policy, ExecLauncher launcher,
                         SessionLimits limits, HandshakeSettings handshake, SessionRegistry registry, AuditLog audit,
                         HandshakeChecks checks) {
        this(vertx, authorizer, policy, launcher, limits, handshake, registry, audit, checks, BrokerMetrics.inMemory());
    }

    /** Reporting where each session's setup time goes to {@code metrics}. */
    public ExecHandshakeHandler(Vertx vertx, Authorizer authorizer, ExecPolicy policy, ExecLauncher launcher,
                                SessionLimits limits, HandshakeSettings handshake, SessionRegistry registry,
                                AuditLog audit, HandshakeChecks checks, BrokerMetrics metrics) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.authorizer = authorizer;
        this.launcher = launcher;
        this.limits = limits;
        this.handshake = handshake;
        this.registry = registry;
        this.checks = checks;
        this.audit = audit;
        this.policy = policy;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Optional<HandshakeRequest> admitted = checks.admit(ctx, HandshakeRequest.Purpose.EXEC);
        if (admitted.isEmpty()) {
            return;
        }
        HandshakeRequest handshakeRequest = admitted.get();
        String ip = handshakeRequest.remoteAddress();
        Optional<String> origin = handshakeRequest.origin();
        if (!registry.tryReserve()) {
            deny(ctx, ip, origin, 503, TOO_MANY_SESSIONS, null, null);
            return;
        }
        request.pause();
        SetupTiming timing = SetupTiming.start(metrics);
        authorizer.authorize(handshakeRequest).onComplete(granted -> {
            if (granted.failed()) {
                registry.release();
                refuse(ctx, ip, origin, granted.cause());
                return;
            }
            timing.done(SetupTiming.Step.AUTHORIZE);
            ExecGrant grant = granted.result();
            policy.check(grant).onComplete(checked -> {
                if (checked.failed()) {
                    registry.release();
                    LOG.warn("policy check failed: {}", DockerErrors.causes(checked.cause()));
                    Optional<String> tls = DockerErrors.tlsFailure(checked.cause());
                    if (tls.isPresent()) {
                        // Not a passing outage: Docker's certificate or ours is wrong until an operator fixes it.
                        deny(ctx, ip, origin, 502, tls.get(), grant, null);
                    } else {
                        deny(ctx, ip, origin, 503, unavailable(checked.cause()), grant, null);
                    }
                } else if (!checked.result().allowed()) {
                    registry.release();
                    PolicyDecision refused = checked.result();
                    boolean missing = refused.refusedBy().orElseThrow() == PolicyDecision.Rule.CONTAINER_NOT_FOUND;
                    audit.record(AuditRecord.denied(Instant.now(), ip, origin, missing ? 404 : 403, refused.message(),
                        refused.refusedBy().map(PolicyDecision.Rule::key), Optional.of(grant)));
                    checks.counted(ctx, missing ? 404 : 403);
                    reject(ctx, missing ? 404 : 403, missing ? "container not found" : "not allowed by the broker's policy");
                } else {
                    // Exec in the container the check resolved, so a rename in between cannot change the target.
                    ExecGrant resolved = checked.result().container().map(c -> grant.withContainer(c.id())).orElse(grant);
                    timing.done(SetupTiming.Step.POLICY);
                    upgrade(ctx, request, ip, origin, grant, resolved, timing);
                }
            });
        });
    }

    private void upgrade(RoutingContext ctx, HttpServerRequest request, String ip, Optional<String> origin,
                         ExecGrant grant, ExecGrant resolved, SetupTiming timing) {
        if (registry.closing()) {
            registry.release();
            deny(ctx, ip, origin, 503, "the broker is stopping", grant, null);
            return;
        }
        String subject = grant.subject().orElse(null);
        if (subject != null && !registry.tryClaimSubject(subject, handshake.maxSessionsPerSubject())) {
            registry.release();
            deny(ctx, ip, origin, 429, "too many sessions for this subject", grant, null);
            return;
        }
        // The socket under the WebSocket, for the session's closes: vertx-web wraps the WebSocket it hands out,
        // and the wrapper does not show it. Vert.x 5 serves WebSockets over HTTP/1.1 connections only.
        Channel channel = UpgradedConnection.channel(request);
        // Granted and inside the policy: create the exec (nothing runs until the session starts it) while the 101
        // goes out. An upgrade that fails leaves it created and never started, as a client gone during the creation
        // does: nothing runs, and Docker keeps the record until the container stops.
        Future<String> created = launcher.create(resolved);
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                registry.release();
                if (subject != null) {
                    registry.releaseSubject(subject);
                }
                LOG.debug("upgrade failed: {}", upgraded.cause().toString());
                return;
            }
            timing.done(SetupTiming.Step.UPGRADE);
            UpgradedConnection.endHandshakeBound(channel);
            AuditRecord accepted = AuditRecord.accepted(Instant.now(), UUID.randomUUID().toString(), ip, origin, grant);
            new ExecSession(vertx, upgraded.result(), channel, resolved, launcher, limits, registry, audit, accepted,
                timing).start(created);
        });
    }

    /**
     * The 503 of a policy check Docker could not answer: what Docker did, in the lookup's words ("Docker is
     * unreachable", "Docker did not answer within 5 s"), so that a client or an operator knows whom to wait for.
     */
    private static String unavailable(Throwable cause) {
        String why = cause instanceof DockerUnavailableException docker ? docker.getMessage() + "; " : "";
        return why + "cannot check the grant against the policy now";
    }

    private void refuse(RoutingContext ctx, String ip, Optional<String> origin, Throwable cause) {
        if (cause instanceof AuthorizationException refused) {
            deny(ctx, ip, origin, refused.status(), refused.getMessage(), null, null);
        } else {
            LOG.warn("authorization failed: {}", cause.toString());
            deny(ctx, ip, origin, 500, "authorization failed", null, null);
        }
    }

    private void deny(RoutingContext ctx, String ip, Optional<String> origin, int status, String reason,
                      ExecGrant grant, String rule) {
        checks.deny(ctx, ip, origin, status, reason, grant, rule);
    }

    static void reject(RoutingContext ctx, int status, String message) {
        HandshakeChecks.reject(ctx, status, message);
    }
}
