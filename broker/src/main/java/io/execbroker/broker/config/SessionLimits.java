package io.execbroker.broker.config;

import io.execbroker.protocol.frame.ProtocolLimits;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on every exec session. Each bound keeps one slow or hostile peer from growing the broker's memory or
 * holding a container process forever.
 *
 * @param maxSessions sessions running at once; past it a handshake gets 503 before the upgrade
 * @param maxMessageBytes largest client message (type byte included); past it the session closes with 1009
 * @param outputQueueBytes output queued towards one client before the broker stops reading from Docker
 * @param pendingStdinBytes stdin a client may send before the process starts; past it the client is not read
 * @param idleTimeout no traffic either way for this long closes the session with 4000
 * @param maxDuration a session this old closes with 4001
 * @param killGrace time between TERM and KILL when a session ends before its process
 * @param pingInterval how often the broker pings the client, to find dead peers; zero turns pings off
 */
public record SessionLimits(
        int maxSessions,
        int maxMessageBytes,
        int outputQueueBytes,
        int pendingStdinBytes,
        Duration idleTimeout,
        Duration maxDuration,
        Duration killGrace,
        Duration pingInterval) {

    /** Defaults sized for interactive shells and bulk pipes alike. */
    public static final SessionLimits DEFAULTS = new SessionLimits(
        100,
        ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES,
        1024 * 1024,
        1024 * 1024,
        Duration.ofMinutes(30),
        Duration.ofHours(12),
        Duration.ofSeconds(2),
        Duration.ofSeconds(30));

    public SessionLimits {
        positive("maxSessions", maxSessions);
        positive("maxMessageBytes", maxMessageBytes);
        positive("outputQueueBytes", outputQueueBytes);
        positive("pendingStdinBytes", pendingStdinBytes);
        positive("idleTimeout", idleTimeout);
        positive("maxDuration", maxDuration);
        positive("killGrace", killGrace);
        Objects.requireNonNull(pingInterval, "pingInterval");
        if (pingInterval.isNegative()) {
            throw new IllegalArgumentException("pingInterval: " + pingInterval + " (expected: >= 0)");
        }
    }

    /**
     * Returns the largest WebSocket frame taken in, the message bound but at most 1 MiB: a frame is held whole
     * before it is handed on, while a message of many frames (stdin) streams through frame by frame. A frame over
     * it closes the session with 1009 as soon as its header arrives.
     */
    public int maxFrameBytes() {
        return Math.min(maxMessageBytes, ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES);
    }

    public SessionLimits withMaxSessions(int value) {
        return new SessionLimits(value, maxMessageBytes, outputQueueBytes, pendingStdinBytes, idleTimeout,
            maxDuration, killGrace, pingInterval);
    }

    public SessionLimits withTimeouts(Duration idle, Duration max) {
        return new SessionLimits(maxSessions, maxMessageBytes, outputQueueBytes, pendingStdinBytes, idle, max,
            killGrace, pingInterval);
    }

    public SessionLimits withPingInterval(Duration value) {
        return new SessionLimits(maxSessions, maxMessageBytes, outputQueueBytes, pendingStdinBytes, idleTimeout,
            maxDuration, killGrace, value);
    }

    public SessionLimits withOutputQueueBytes(int value) {
        return new SessionLimits(maxSessions, maxMessageBytes, value, pendingStdinBytes, idleTimeout, maxDuration,
            killGrace, pingInterval);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
