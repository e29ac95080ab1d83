package io.execbroker.broker.config;

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
 */
public record HandshakeSettings(Set<String> allowedOrigins, boolean queryTokenAllowed, double handshakesPerSecond,
                                int handshakeBurst, int maxSessionsPerSubject) {
    /** Tracks this many client IPs for rate limiting at most. */
    public static final int MAX_TRACKED_CLIENTS = 100_000;

    public static final HandshakeSettings DEFAULTS = new HandshakeSettings(Set.of(), true, 10, 20, 10);

    public HandshakeSettings {
        allowedOrigins = Set.copyOf(allowedOrigins);
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
        return new HandshakeSettings(origins, queryTokenAllowed, handshakesPerSecond, handshakeBurst, maxSessionsPerSubject);
    }

    public HandshakeSettings withRate(double perSecond, int burst) {
        return new HandshakeSettings(allowedOrigins, queryTokenAllowed, perSecond, burst, maxSessionsPerSubject);
    }

    public HandshakeSettings withQueryTokenAllowed(boolean allowed) {
        return new HandshakeSettings(allowedOrigins, allowed, handshakesPerSecond, handshakeBurst, maxSessionsPerSubject);
    }

    public HandshakeSettings withMaxSessionsPerSubject(int max) {
        return new HandshakeSettings(allowedOrigins, queryTokenAllowed, handshakesPerSecond, handshakeBurst, max);
    }
}
