package io.execbroker.broker.cli;

import java.time.Duration;
import java.util.Objects;

/**
 * A bounded exponential back-off: {@code initial}, doubling on each failure up to {@code max}, back to
 * {@code initial} after a success. Bounded so that a watcher of a broker that is down retries at a steady rate
 * instead of ever more rarely, and exponential so that many watchers of a broker that restarts do not all hammer
 * it at once. Not thread safe.
 */
final class Backoff {
    /** The defaults of {@code events}: 0.5 s doubling to 10 s. */
    static final Duration INITIAL = Duration.ofMillis(500);
    static final Duration MAX = Duration.ofSeconds(10);

    private final Duration initial;
    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        this.initial = Objects.requireNonNull(initial, "initial");
        this.max = Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff: " + initial + " to " + max + " (expected: 0 < initial <= max)");
        }
        this.next = initial;
    }

    /** Returns the wait before the next attempt, and doubles the one after it (up to the maximum). */
    Duration next() {
        Duration wait = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return wait;
    }

    /** After a successful connection: the next failure waits the initial time again. */
    void reset() {
        next = initial;
    }
}
