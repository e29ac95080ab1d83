package io.execbroker.sample.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.sample.MutableClock;
import io.execbroker.sample.config.LoginLimits;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(LoginLimits.DEFAULTS, clock);

    @Test
    void aFailingAttackerDoesNotLockAUserOutOfAnAddressSheSignedInFrom() {
        assertThat(throttle.admit("10.0.0.1", "alice")).isEmpty();
        throttle.succeeded("10.0.0.1", "alice");
        failFiveTimes("10.6.6.6", "alice");

        assertThat(throttle.admit("10.6.6.6", "alice")).as("the attacker's address")
            .hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("too many failed logins for this user"));
        assertThat(throttle.admit("10.0.0.2", "alice")).as("an address alice never signed in from").isPresent();
        assertThat(throttle.admit("10.0.0.1", "alice")).as("alice's own address").isEmpty();
    }

    @Test
    void forgetsAKnownAddressAfterThirtyDays() {
        throttle.succeeded("10.0.0.1", "alice");
        clock.advance(LoginThrottle.KNOWN_ADDRESS_TTL);
        failFiveTimes("10.6.6.6", "alice");

        assertThat(throttle.admit("10.0.0.1", "alice")).isPresent();
    }

    @Test
    void anAttemptRefusedForTheUserStillCountsAgainstTheAddress() {
        failFiveTimes("10.6.6.6", "alice");
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.admit("10.6.6.6", "alice")).isPresent();
        }

        assertThat(throttle.admit("10.6.6.6", "bob")).hasValueSatisfying(r -> {
            assertThat(r.reason()).isEqualTo("too many login attempts from this address");
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(6));
        });
    }

    @Test
    void refillsTheAddressOneAttemptPerSixSeconds() {
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.admit("10.0.0.1", "user" + i)).as("attempt %d", i + 1).isEmpty();
        }
        clock.advance(Duration.ofSeconds(4));

        assertThat(throttle.admit("10.0.0.1", "x")).hasValueSatisfying(r ->
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
        clock.advance(Duration.ofSeconds(2));
        assertThat(throttle.admit("10.0.0.1", "x")).isEmpty();
        assertThat(throttle.admit("10.0.0.1", "x")).isPresent();
    }

    @Test
    void rateLimitRemembersAtMostItsMaxKeysForgettingTheLeastRecentlyUsed() {
        KeyedRateLimit limit = new KeyedRateLimit(1, Duration.ofMinutes(1), 2);
        Instant now = clock.instant();
        limit.record("a", now);
        limit.record("b", now);
        limit.wait("a", now);
        limit.record("c", now);

        assertThat(limit.size()).isEqualTo(2);
        assertThat(limit.wait("b", now)).as("b, least recently used, forgotten").isZero();
        assertThat(limit.wait("a", now)).isEqualTo(Duration.ofMinutes(1));
        assertThat(limit.wait("c", now)).isEqualTo(Duration.ofMinutes(1));
    }

    private void failFiveTimes(String address, String user) {
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.admit(address, user)).as("failure %d of %s from %s", i + 1, user, address).isEmpty();
            throttle.failed(user);
        }
    }
}
