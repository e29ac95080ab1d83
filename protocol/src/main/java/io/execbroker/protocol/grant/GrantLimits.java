package io.execbroker.protocol.grant;

import java.time.Duration;
import java.util.Optional;

/**
 * Per-session limits a grant may set; the broker applies the smaller of these and its own.
 *
 * @param idleTimeout how long a session may see no traffic either way, if the grant sets it
 * @param maxDuration how long a session may last at most, if the grant sets it
 */
public record GrantLimits(Optional<Duration> idleTimeout, Optional<Duration> maxDuration) {
    /** No limits of the grant's own. */
    public static final GrantLimits NONE = new GrantLimits(Optional.empty(), Optional.empty());

    public GrantLimits {
        idleTimeout = checkPositive("limits.idleTimeoutSeconds", idleTimeout);
        maxDuration = checkPositive("limits.maxDurationSeconds", maxDuration);
    }

    private static Optional<Duration> checkPositive(String field, Optional<Duration> value) {
        if (value == null) {
            return Optional.empty();
        }
        value.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new InvalidGrantException(field, d.toSeconds() + " (expected: > 0)");
            }
        });
        return value;
    }
}
