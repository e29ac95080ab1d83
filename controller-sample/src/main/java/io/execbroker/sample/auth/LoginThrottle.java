package io.execbroker.sample.auth;

import io.execbroker.sample.config.LoginLimits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, before any password is hashed, whether a login attempt may go on. Two limits of {@link LoginLimits}: every
 * attempt counts against its client address, and every failed one against the submitted user name. A user name
 * past its limit is refused from every address except those it signed in from within {@link #KNOWN_ADDRESS_TTL}:
 * so an attacker who keeps failing as {@code alice} slows guessing of her password, but does not lock her out from
 * where she usually signs in. Memory is bounded by {@link LoginLimits#maxTrackedKeys()} per map.
 *
 * <p>Thread safe; each call returns immediately (no I/O, no hashing).
 */
public final class LoginThrottle {
    /** How long a successful login exempts its (user, address) pair from the user's failure limit. */
    public static final Duration KNOWN_ADDRESS_TTL = Duration.ofDays(30);

    /**
     * Why an attempt was refused.
     *
     * @param reason like {@code too many login attempts from this address}
     * @param retryAfter how long until the same attempt would be admitted
     */
    public record Refusal(String reason, Duration retryAfter) {
    }

    private record KnownAddress(String user, String address) {
    }

    private final Clock clock;
    private final KeyedRateLimit perAddress;
    private final KeyedRateLimit perUser;
    private final Map<KnownAddress, Instant> knownSince;

    public LoginThrottle(LoginLimits limits, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.perAddress = new KeyedRateLimit(limits.attemptsPerAddress(), limits.addressPeriod(),
            limits.maxTrackedKeys());
        this.perUser = new KeyedRateLimit(limits.failuresPerUser(), limits.userPeriod(), limits.maxTrackedKeys());
        int maxKnown = limits.maxTrackedKeys();
        this.knownSince = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<KnownAddress, Instant> eldest) {
                return size() > maxKnown;
            }
        };
    }

    /**
     * Admits one login attempt of {@code user} from {@code address}, counting it against the address, or returns why
     * not. An attempt refused for the user still counts against the address.
     */
    public synchronized Optional<Refusal> admit(String address, String user) {
        Instant now = clock.instant();
        Duration wait = perAddress.wait(address, now);
        if (!wait.isZero()) {
            return Optional.of(new Refusal("too many login attempts from this address", wait));
        }
        perAddress.record(address, now);
        if (isKnown(user, address, now)) {
            return Optional.empty();
        }
        wait = perUser.wait(user, now);
        return wait.isZero() ? Optional.empty()
            : Optional.of(new Refusal("too many failed logins for this user", wait));
    }

    /** Counts a wrong password (or an unknown user) against the submitted name. */
    public synchronized void failed(String user) {
        perUser.record(user, clock.instant());
    }

    /** Remembers that {@code user} signed in from {@code address}: it is exempt from the user's failure limit. */
    public synchronized void succeeded(String address, String user) {
        knownSince.put(new KnownAddress(user, address), clock.instant());
    }

    private boolean isKnown(String user, String address, Instant now) {
        KnownAddress key = new KnownAddress(user, address);
        Instant since = knownSince.get(key);
        if (since == null) {
            return false;
        }
        if (since.plus(KNOWN_ADDRESS_TTL).isAfter(now)) {
            return true;
        }
        knownSince.remove(key);
        return false;
    }
}
