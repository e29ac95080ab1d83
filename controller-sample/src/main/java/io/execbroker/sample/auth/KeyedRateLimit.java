package io.execbroker.sample.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most {@code limit} events per {@code period} for each key, in a burst or spread out: a token bucket of
 * {@code limit} tokens that refills one token every {@code period / limit}, kept as one instant per key (the generic
 * cell rate algorithm: the instant the bucket is full again). Remembers at most {@code maxKeys} keys, forgetting the
 * least recently used first; a forgotten key starts with a full bucket. Not thread safe.
 */
final class KeyedRateLimit {
    private final Duration period;
    private final Duration interval;
    private final Map<String, Instant> fullAt;

    KeyedRateLimit(int limit, Duration period, int maxKeys) {
        this.period = period;
        this.interval = period.dividedBy(limit);
        this.fullAt = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Returns how long {@code key} must wait before its next event is within the limit; zero if it is now. */
    Duration wait(String key, Instant now) {
        Duration over = Duration.between(now, next(key, now)).minus(period);
        return over.isNegative() ? Duration.ZERO : over;
    }

    /** Counts one event of {@code key}, whether or not it was within the limit. */
    void record(String key, Instant now) {
        fullAt.put(key, next(key, now));
    }

    /** Returns the number of keys remembered. */
    int size() {
        return fullAt.size();
    }

    private Instant next(String key, Instant now) {
        Instant full = fullAt.get(key);
        return (full == null || full.isBefore(now) ? now : full).plus(interval);
    }
}
