package io.execbroker.broker.auth;

import io.execbroker.broker.auth.JwtReplayCache.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static io.execbroker.broker.auth.JwtFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtReplayCacheTest {
    private final JwtFixtures.MutableClock clock = new JwtFixtures.MutableClock(NOW);

    @Test
    void remembersAJtiUntilItsTokenExpires() {
        JwtReplayCache cache = new JwtReplayCache(10, clock);
        Instant until = NOW.plusSeconds(60);

        assertThat(cache.record("a", until)).isEqualTo(Outcome.FIRST_USE);
        assertThat(cache.record("a", until)).isEqualTo(Outcome.REPLAYED);
        clock.advance(Duration.ofSeconds(59));
        assertThat(cache.record("a", until)).isEqualTo(Outcome.REPLAYED);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.record("b", until.plusSeconds(60))).isEqualTo(Outcome.FIRST_USE);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void whenFullOfLiveEntriesRefusesNewOnesAndKeepsTheOld() {
        JwtReplayCache cache = new JwtReplayCache(2, clock);
        cache.record("a", NOW.plusSeconds(10));
        cache.record("b", NOW.plusSeconds(20));

        assertThat(cache.record("c", NOW.plusSeconds(30))).isEqualTo(Outcome.FULL);
        assertThat(cache.record("a", NOW.plusSeconds(10))).isEqualTo(Outcome.REPLAYED);
        assertThat(cache.record("b", NOW.plusSeconds(20))).isEqualTo(Outcome.REPLAYED);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void makesRoomAsEntriesExpireSoonestFirst() {
        JwtReplayCache cache = new JwtReplayCache(2, clock);
        cache.record("late", NOW.plusSeconds(20));
        cache.record("soon", NOW.plusSeconds(10));

        clock.advance(Duration.ofSeconds(10));

        assertThat(cache.record("c", NOW.plusSeconds(30))).isEqualTo(Outcome.FIRST_USE);
        assertThat(cache.record("late", NOW.plusSeconds(20))).isEqualTo(Outcome.REPLAYED);
        assertThat(cache.record("d", NOW.plusSeconds(30))).isEqualTo(Outcome.FULL);
    }

    @Test
    void letsExactlyOneOfManyConcurrentUsesOfAJtiThrough() throws Exception {
        JwtReplayCache cache = new JwtReplayCache(100, clock);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return cache.record("same", NOW.plusSeconds(60));
                }));
            }
            start.countDown();
            List<Outcome> results = new ArrayList<>();
            for (Future<Outcome> outcome : outcomes) {
                results.add(outcome.get(10, TimeUnit.SECONDS));
            }

            assertThat(results).containsOnlyOnce(Outcome.FIRST_USE).hasSize(threads);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsANonPositiveSize() {
        assertThatThrownBy(() -> new JwtReplayCache(0, clock))
            .hasMessage("maxEntries: 0 (expected: > 0)");
    }
}
