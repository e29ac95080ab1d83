package io.execbroker.broker.http;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client IP for handshakes: {@code burst} at once, refilled at {@code perSecond}. It runs
 * before any controller or JWT work, so that a flood of handshakes costs almost nothing. Memory is bounded: the
 * least recently seen IPs are forgotten past {@code maxClients} (a forgotten IP starts with a full bucket).
 * Thread safe.
 */
public final class HandshakeRateLimiter {
    private final double perSecond;
    private final double burst;
    private final Clock clock;
    private final Map<String, double[]> buckets;

    public HandshakeRateLimiter(double perSecond, int burst, int maxClients, Clock clock) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: > 0)");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: >= 1)");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
                return size() > maxClients;
            }
        };
    }

    /**
     * Takes one handshake from {@code ip}'s bucket.
     *
     * @return zero if allowed, else how long until the next handshake would be (for {@code Retry-After})
     */
    public synchronized Duration tryAcquire(String ip) {
        double now = clock.millis() / 1000.0;
        double[] bucket = buckets.computeIfAbsent(ip, k -> new double[] {burst, now});
        bucket[0] = Math.min(burst, bucket[0] + (now - bucket[1]) * perSecond);
        bucket[1] = now;
        if (bucket[0] >= 1) {
            bucket[0] -= 1;
            return Duration.ZERO;
        }
        return Duration.ofMillis((long) Math.ceil((1 - bucket[0]) / perSecond * 1000));
    }
}
