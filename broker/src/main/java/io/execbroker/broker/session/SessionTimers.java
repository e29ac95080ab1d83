package io.execbroker.broker.session;

import io.execbroker.broker.config.SessionLimits;
import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.grant.GrantLimits;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.time.Duration;

/**
 * The clocks of one session: idle timeout (4000), maximum duration (4001), and WebSocket pings that find a peer
 * that vanished without closing. The grant may shorten the broker's limits, never lengthen them. Not thread safe.
 */
final class SessionTimers {
    /** Ends a session with a close code and a reason. */
    @FunctionalInterface
    interface Expiry {
        void expire(int closeCode, String reason);
    }

    private final Vertx vertx;
    private final ServerWebSocket ws;
    private final Duration idle;
    private final Duration maxDuration;
    private final Duration pingInterval;
    private final Expiry expiry;
    private long lastTraffic = System.nanoTime();
    private long lastPing = System.nanoTime();
    private boolean awaitingPong;
    private long tickTimer = -1;
    private long maxTimer = -1;

    SessionTimers(Vertx vertx, ServerWebSocket ws, SessionLimits limits, GrantLimits grant, Expiry expiry) {
        this.vertx = vertx;
        this.ws = ws;
        this.idle = min(limits.idleTimeout(), grant.idleTimeout().orElse(limits.idleTimeout()));
        this.maxDuration = min(limits.maxDuration(), grant.maxDuration().orElse(limits.maxDuration()));
        this.pingInterval = limits.pingInterval();
        this.expiry = expiry;
    }

    void start() {
        ws.pongHandler(data -> awaitingPong = false);
        maxTimer = vertx.setTimer(maxDuration.toMillis(),
            id -> expiry.expire(CloseCodes.MAX_DURATION, "maximum duration reached"));
        long tick = Math.max(10, Math.min(1000, idle.toMillis() / 4));
        if (!pingInterval.isZero()) {
            tick = Math.min(tick, Math.max(10, pingInterval.toMillis() / 2));
        }
        tickTimer = vertx.setPeriodic(tick, id -> tick());
    }

    /** Records traffic either way: the session is not idle. */
    void touch() {
        lastTraffic = System.nanoTime();
    }

    void cancel() {
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(maxTimer);
    }

    private void tick() {
        long now = System.nanoTime();
        if (now - lastTraffic >= idle.toNanos()) {
            expiry.expire(CloseCodes.IDLE_TIMEOUT, "idle timeout");
            return;
        }
        if (!pingInterval.isZero() && now - lastPing >= pingInterval.toNanos()) {
            if (awaitingPong) {
                expiry.expire(CloseCodes.INTERNAL_ERROR, "no pong from the client");
                return;
            }
            awaitingPong = true;
            lastPing = now;
            ws.writePing(Buffer.buffer("p"));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
