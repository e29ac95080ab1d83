package io.execbroker.broker.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Checks made before any authorization work.
 *
 * @param allowedOrigins browser origins allowed to open sessions, like {@code https://app.example.com}; {@code *}
 *     allows any. Empty: no browser may connect (requests without {@code Origin} still can)
 * @param queryTokenAllowed whether {@code ?token=} is accepted (ws-subprocess clients need it; it can end up in
 *     proxies' access logs, so it can be turned off)
 * @param handshakesPerSecond per client IP, refill rate of the handshake token bucket (DoS protection)
 * @param handshakeBurst per client IP, handshakes allowed at once
 * @param maxSessionsPerSubject sessions one subject may hold at once (one user cannot take every slot)
 * @param idleBeforeUpgrade a connection with no byte in or out this long before its upgrade is closed (a client
 *     that stalls in its request headers, or opens a connection and sends nothing); zero for no bound
 */
public record HandshakeSettings(Set<String> allowedOrigins, boolean queryTokenAllowed, double handshakesPerSecond,
                                int handshakeBurst, int maxSessionsPerSubject, Duration idleBeforeUpgrade) {
    /** Tracks this many client IPs for rate limiting at most. */
    public static final int MAX_TRACKED_CLIENTS = 100_000;

    /** Longer than any controller call and container lookup a handshake may wait for, with room to spare. */
    public static final Duration DEFAULT_IDLE_BEFORE_UPGRADE = Duration.ofSeconds(60);

    public static final HandshakeSettings DEFAULTS = new HandshakeSettings(Set.of(), true, 10, 20, 10);

    /** With the default {@link #DEFAULT_IDLE_BEFORE_UPGRADE}. */
    public HandshakeSettings(Set<String> allowedOrigins, boolean queryTokenAllowed, double handshakesPerSecond,
                             int handshakeBurst, int maxSessionsPerSubject) {
        this(allowedOrigins, queryTokenAllowed, handshakesPerSecond, handshakeBurst, maxSessionsPerSubject,
            DEFAULT_IDLE_BEFORE_UPGRADE);
    }

    public HandshakeSettings {
        allowedOrigins = Set.copyOf(allowedOrigins);
        Objects.requireNonNull(idleBeforeUpgrade, "idleBeforeUpgrade");
        if (idleBeforeUpgrade.isNegative()) {
            throw new IllegalArgumentException("idleBeforeUpgrade: " + idleBeforeUpgrade + " (expected: >= 0)");
        }
        if (handshakesPerSecond <= 0) {
            throw new IllegalArgumentException("handshakesPerSecond: " + handshakesPerSecond + " (expected: > 0)");
        }
        if (handshakeBurst < 1) {
            throw new IllegalArgumentException("handshakeBurst: " + handshakeBurst + " (expected: >= 1)");
        }
        if (maxSessionsPerSubject < 1) {
            throw new IllegalArgumentException("maxSessionsPerSubject: " + maxSessionsPerSubject + " (expected: >= 1)");
        }
    }

    public HandshakeSettings withAllowedOrigins(Set<String> origins) {
        return new HandshakeSettings(origins, queryTokenAllowed, handshakesPerSecond, handshakeBurst, maxSessionsPerSubject, idleBeforeUpgrade);
    }

    public HandshakeSettings withRate(double perSecond, int burst) {
        return new HandshakeSettings(allowedOrigins, queryTokenAllowed, perSecond, burst, maxSessionsPerSubject, idleBeforeUpgrade);
    }

    public HandshakeSettings withQueryTokenAllowed(boolean allowed) {
        return new HandshakeSettings(allowedOrigins, allowed, handshakesPerSecond, handshakeBurst, maxSessionsPerSubject, idleBeforeUpgrade);
    }

    public HandshakeSettings withMaxSessionsPerSubject(int max) {
        return new HandshakeSettings(allowedOrigins, queryTokenAllowed, handshakesPerSecond, handshakeBurst, max, idleBeforeUpgrade);
    }

    public HandshakeSettings withIdleBeforeUpgrade(Duration idle) {
        return new HandshakeSettings(allowedOrigins, queryTokenAllowed, handshakesPerSecond, handshakeBurst,
            maxSessionsPerSubject, idle);
    }
}
