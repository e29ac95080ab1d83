package io.execbroker.sample.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on logins: password-guessing and DoS protection. Each limit is a rate (so many per period, in a burst or
 * spread out), and past it {@code POST /login} answers at once, before any password hashing.
 *
 * @param attemptsPerAddress login attempts, right or wrong, one client address may make per {@code addressPeriod};
 *     bounds the guessing and the hashing work one address can cause
 * @param addressPeriod the period of {@code attemptsPerAddress}, like 1 minute
 * @param failuresPerUser failed logins per submitted user name per {@code userPeriod}, from all addresses together,
 *     after which that name is refused, except from an address it signed in from lately; bounds guessing one
 *     user's password from many addresses
 * @param userPeriod the period of {@code failuresPerUser}, like 15 minutes
 * @param maxTrackedKeys most addresses, user names and (user, address) pairs remembered, each (memory bound: the
 *     least recently seen is forgotten first)
 * @param maxWaitingChecks most password checks that may wait for a thread of the hashing pool; past it a login
 *     gets 503 at once (DoS protection: an unbounded queue of PBKDF2 work only grows under a flood)
 */
public record LoginLimits(int attemptsPerAddress, Duration addressPeriod, int failuresPerUser, Duration userPeriod,
                          int maxTrackedKeys, int maxWaitingChecks) {
    private static final Duration MAX_PERIOD = Duration.ofDays(1);
    private static final int MAX_KEYS = 1_000_000;
    private static final int MAX_WAITING = 10_000;
    /** 10 attempts a minute per address, 5 failures per 15 minutes per user, 10,000 keys, 16 waiting checks. */
    public static final LoginLimits DEFAULTS = new LoginLimits(10, Duration.ofMinutes(1), 5, Duration.ofMinutes(15),
        10_000, 16);

    public LoginLimits {
        positive("attemptsPerAddress", attemptsPerAddress);
        period("addressPeriod", addressPeriod);
        positive("failuresPerUser", failuresPerUser);
        period("userPeriod", userPeriod);
        if (maxTrackedKeys < 1 || maxTrackedKeys > MAX_KEYS) {
            throw new IllegalArgumentException("maxTrackedKeys: " + maxTrackedKeys + " (expected: 1 to " + MAX_KEYS
                + ")");
        }
        if (maxWaitingChecks < 0 || maxWaitingChecks > MAX_WAITING) {
            throw new IllegalArgumentException("maxWaitingChecks: " + maxWaitingChecks + " (expected: 0 to "
                + MAX_WAITING + ")");
        }
    }

    /** Returns a copy with other per-address and per-user rates. */
    public LoginLimits withRates(int attemptsPerAddress, Duration addressPeriod, int failuresPerUser,
                                 Duration userPeriod) {
        return new LoginLimits(attemptsPerAddress, addressPeriod, failuresPerUser, userPeriod, maxTrackedKeys,
            maxWaitingChecks);
    }

    /** Returns a copy with another key bound. */
    public LoginLimits withMaxTrackedKeys(int maxTrackedKeys) {
        return new LoginLimits(attemptsPerAddress, addressPeriod, failuresPerUser, userPeriod, maxTrackedKeys,
            maxWaitingChecks);
    }

    /** Returns a copy with another bound on waiting password checks. */
    public LoginLimits withMaxWaitingChecks(int maxWaitingChecks) {
        return new LoginLimits(attemptsPerAddress, addressPeriod, failuresPerUser, userPeriod, maxTrackedKeys,
            maxWaitingChecks);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
    }

    private static void period(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero() || value.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0 and <= 1d)");
        }
    }
}
