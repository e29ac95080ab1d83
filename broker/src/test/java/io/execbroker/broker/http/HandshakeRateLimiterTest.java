package io.execbroker.broker.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class HandshakeRateLimiterTest {
    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };

    @Test
    void allowsABurstThenSaysWhenToRetry() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(2, 3, 100, clock);
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refillsAtTheConfiguredRate() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(2, 1, 100, clock);
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("a")).isPositive();
        millis.addAndGet(500);
        assertThat(limiter.tryAcquire("a")).isZero();
    }

    @Test
    void eachIpHasItsOwnBucket() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(1, 1, 100, clock);
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("b")).isZero();
        assertThat(limiter.tryAcquire("a")).isPositive();
    }

    @Test
    void forgetsTheLeastRecentlySeenIpsPastTheBound() {
        HandshakeRateLimiter limiter = new HandshakeRateLimiter(1, 1, 2, clock);
        limiter.tryAcquire("a");
        limiter.tryAcquire("b");
        limiter.tryAcquire("c");
        assertThat(limiter.tryAcquire("a")).as("a was forgotten: full bucket again").isZero();
    }
}
