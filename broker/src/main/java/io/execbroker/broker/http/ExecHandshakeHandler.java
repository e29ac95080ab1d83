package io.execbroker.broker.http;

import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.ExecLauncher;
import io.execbroker.broker.session.ExecSession;
import io.execbroker.broker.session.SessionRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exec route: every check happens before the WebSocket upgrade, and a refusal is an HTTP status with a short
 * JSON body {@code {"error": "..."}}; only a granted handshake is upgraded and handed to an {@link ExecSession}.
 * Cheap checks come first: the session cap before any authorization work.
 */
public final class ExecHandshakeHandler implements Handler<RoutingContext> {
    /** The text the original server sent when full; its clients may look for it. */
    public static final String TOO_MANY_SESSIONS = "Too many sessions active!";
    private static final Logger LOG = LoggerFactory.getLogger(ExecHandshakeHandler.class);

    private final Vertx vertx;
    private final Authorizer authorizer;
    private final ExecLauncher launcher;
    private final SessionLimits limits;
    private final SessionRegistry registry;

    public ExecHandshakeHandler(Vertx vertx, Authorizer authorizer, ExecLauncher launcher, SessionLimits limits,
                                SessionRegistry registry) {
        this.vertx = vertx;
        this.authorizer = authorizer;
        this.launcher = launcher;
        this.limits = limits;
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!isWebSocketUpgrade(request)) {
            reject(ctx, 400, "expected a WebSocket upgrade");
            return;
        }
        if (!registry.tryReserve()) {
            reject(ctx, 503, TOO_MANY_SESSIONS);
            return;
        }
        request.pause();
        authorizer.authorize(HandshakeRequests.from(request)).onComplete(granted -> {
            if (granted.failed()) {
                registry.release();
                Throwable cause = granted.cause();
                if (cause instanceof AuthorizationException refused) {
                    reject(ctx, refused.status(), refused.getMessage());
                } else {
                    LOG.warn("authorization failed: {}", cause.toString());
                    reject(ctx, 500, "authorization failed");
                }
                return;
            }
            request.toWebSocket().onComplete(upgraded -> {
                if (upgraded.failed()) {
                    registry.release();
                    LOG.debug("upgrade failed: {}", upgraded.cause().toString());
                    return;
                }
                new ExecSession(vertx, upgraded.result(), granted.result(), launcher, limits, registry).start();
            });
        });
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
