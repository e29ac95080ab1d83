package io.execbroker.broker.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers the {@code jti} of each accepted token until the token could no longer be accepted (its {@code exp}
 * plus the leeway), so that a token works once. Holds at most {@code maxEntries}; expired entries are dropped first.
 *
 * <p>When full of unexpired entries it refuses new tokens ({@link Outcome#FULL}, answered 503) instead of evicting
 * the soonest-expiring entry: an evicted {@code jti} could be replayed until its token expires, and a cache that
 * silently stops protecting is worse than one that says it is busy. Only tokens that passed signature and claim
 * checks get here, so filling the cache takes the issuer minting that many live tokens, and room comes back by
 * itself as they expire.
 *
 * <p>Thread safe: one lock around a map and a queue, held for O(log n) work and never across I/O.
 */
final class JwtReplayCache {
    /** What {@link #record} did. */
    enum Outcome {
        /** The {@code jti} was new and is now remembered. */
        FIRST_USE,
        /** The {@code jti} was seen before and has not expired. */
        REPLAYED,
        /** The cache is full of unexpired entries; nothing was remembered. */
        FULL
    }

    private record Entry(String jti, Instant until) {
    }

    private final int maxEntries;
    private final Clock clock;
    private final Map<String, Instant> untils = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>(Comparator.comparing(Entry::until));

    JwtReplayCache(int maxEntries, Clock clock) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: > 0)");
        }
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** Remembers {@code jti} until {@code until}, unless it is already remembered or there is no room. */
    synchronized Outcome record(String jti, Instant until) {
        Instant now = clock.instant();
        evictExpired(now);
        if (untils.containsKey(jti)) {
            return Outcome.REPLAYED;
        }
        if (untils.size() >= maxEntries) {
            return Outcome.FULL;
        }
        untils.put(jti, until);
        byExpiry.add(new Entry(jti, until));
        return Outcome.FIRST_USE;
    }

    /** Returns how many {@code jti}s are remembered, expired ones included until the next {@link #record}. */
    synchronized int size() {
        return untils.size();
    }

    private void evictExpired(Instant now) {
        while (!byExpiry.isEmpty() && !byExpiry.peek().until().isAfter(now)) {
            untils.remove(byExpiry.poll().jti());
        }
    }
}
