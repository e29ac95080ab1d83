package io.execbroker.broker.auth;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of {@link JwtAuthorizer} (DESIGN.md §6), validated when built; messages name the setting, like
 * {@code "replayCacheSize: 0 (expected: > 0)"}. Start from {@link #builder(JwtKeySource)}.
 *
 * @param keys where the verifying key comes from; it also decides the allowed algorithms
 * @param issuer the {@code iss} a token must have, if set
 * @param audience the broker's own audience, which a token's {@code aud} must contain, if set; it binds a token to
 *     one broker or fleet
 * @param leeway how far {@code exp}, {@code nbf} and {@code iat} may be off, for clock skew between issuer and
 *     broker; whole seconds, at most {@link #MAX_LEEWAY}
 * @param requireJti whether each token must carry a {@code jti} and may be used once only
 * @param replayCacheSize most {@code jti}s remembered at once (DoS protection: memory is bounded; when full of
 *     unexpired entries new tokens are refused with 503 until some expire)
 * @param jwksTimeout bounds a JWKS fetch (a hung key server must not hold handshakes)
 * @param jwksMinRefreshInterval least time between two JWKS fetches (DoS protection: tokens with random
 *     {@code kid}s must not turn into a flood of fetches)
 * @param jwksMaxAge how long fetched JWKS keys are used: a key removed from the set stops being accepted within
 *     it; more than {@code jwksMinRefreshInterval}
 * @param maxLifetime the farthest {@code exp} may be from now (beyond the leeway): longer-lived tokens are refused,
 *     so far-future {@code exp} values cannot pin entries in the replay cache or live on if stolen
 * @param defaultContainer the container for grants that name none (the ws-subprocess form), if any
 */
public record JwtSettings(
        JwtKeySource keys,
        Optional<String> issuer,
        Optional<String> audience,
        Duration leeway,
        boolean requireJti,
        int replayCacheSize,
        Duration jwksTimeout,
        Duration jwksMinRefreshInterval,
        Duration jwksMaxAge,
        Duration maxLifetime,
        Optional<String> defaultContainer) {

    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);
    /** Largest leeway: more would let expired tokens live on. */
    public static final Duration MAX_LEEWAY = Duration.ofMinutes(5);
    public static final int DEFAULT_REPLAY_CACHE_SIZE = 100_000;
    public static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_JWKS_MAX_AGE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(1);

    public JwtSettings {
        Objects.requireNonNull(keys, "keys");
        checkNotBlank("issuer", issuer);
        checkNotBlank("audience", audience);
        checkNotBlank("defaultContainer", defaultContainer);
        Objects.requireNonNull(leeway, "leeway");
        if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0 || leeway.toNanosPart() != 0) {
            throw new IllegalArgumentException("leeway: " + leeway + " (expected: whole seconds from 0 to "
                + MAX_LEEWAY.toSeconds() + ")");
        }
        if (replayCacheSize <= 0) {
            throw new IllegalArgumentException("replayCacheSize: " + replayCacheSize + " (expected: > 0)");
        }
        checkPositive("jwksTimeout", jwksTimeout);
        checkPositive("jwksMinRefreshInterval", jwksMinRefreshInterval);
        checkPositive("jwksMaxAge", jwksMaxAge);
        if (jwksMaxAge.compareTo(jwksMinRefreshInterval) <= 0) {
            throw new IllegalArgumentException("jwksMaxAge: " + jwksMaxAge.toSeconds() + " s (expected: > "
                + "jwksMinRefreshInterval, " + jwksMinRefreshInterval.toSeconds() + " s)");
        }
        checkPositive("maxLifetime", maxLifetime);
    }

    /**
     * Returns a builder with the defaults: no issuer or audience check, 30 s leeway, single-use {@code jti}, tokens
     * of at most 1 h, JWKS keys used for at most 5 min.
     */
    public static Builder builder(JwtKeySource keys) {
        return new Builder(keys);
    }

    /** Returns a builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(keys).issuer(issuer.orElse(null)).audience(audience.orElse(null)).leeway(leeway)
            .requireJti(requireJti).replayCacheSize(replayCacheSize).jwksTimeout(jwksTimeout)
            .jwksMinRefreshInterval(jwksMinRefreshInterval).jwksMaxAge(jwksMaxAge).maxLifetime(maxLifetime)
            .defaultContainer(defaultContainer.orElse(null));
    }

    private static void checkNotBlank(String name, Optional<String> value) {
        Objects.requireNonNull(value, name);
        if (value.isPresent() && value.get().isBlank()) {
            throw new IllegalArgumentException(name + ": \"" + value.get() + "\" (expected: a non-blank string, or"
                + " none)");
        }
    }

    private static void checkPositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    /** Builds {@link JwtSettings}; not thread safe. */
    public static final class Builder {
        private final JwtKeySource keys;
        private String issuer;
        private String audience;
        private Duration leeway = DEFAULT_LEEWAY;
        private boolean requireJti = true;
        private int replayCacheSize = DEFAULT_REPLAY_CACHE_SIZE;
        private Duration jwksTimeout = DEFAULT_JWKS_TIMEOUT;
        private Duration jwksMinRefreshInterval = DEFAULT_JWKS_MIN_REFRESH_INTERVAL;
        private Duration jwksMaxAge = DEFAULT_JWKS_MAX_AGE;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private String defaultContainer;

        private Builder(JwtKeySource keys) {
            this.keys = keys;
        }

        /** Sets the required {@code iss}, or null for none. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** Sets the broker's audience that {@code aud} must contain, or null for none. */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        public Builder leeway(Duration leeway) {
            this.leeway = leeway;
            return this;
        }

        public Builder requireJti(boolean requireJti) {
            this.requireJti = requireJti;
            return this;
        }

        public Builder replayCacheSize(int replayCacheSize) {
            this.replayCacheSize = replayCacheSize;
            return this;
        }

        public Builder jwksTimeout(Duration jwksTimeout) {
            this.jwksTimeout = jwksTimeout;
            return this;
        }

        public Builder jwksMinRefreshInterval(Duration jwksMinRefreshInterval) {
            this.jwksMinRefreshInterval = jwksMinRefreshInterval;
            return this;
        }

        public Builder jwksMaxAge(Duration jwksMaxAge) {
            this.jwksMaxAge = jwksMaxAge;
            return this;
        }

        public Builder maxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
            return this;
        }

        /** Sets the container for grants that name none, or null for none. */
        public Builder defaultContainer(String defaultContainer) {
            this.defaultContainer = defaultContainer;
            return this;
        }

        /** Returns the settings; throws {@link IllegalArgumentException} naming the first bad one. */
        public JwtSettings build() {
            return new JwtSettings(keys, Optional.ofNullable(issuer), Optional.ofNullable(audience), leeway,
                requireJti, replayCacheSize, jwksTimeout, jwksMinRefreshInterval, jwksMaxAge, maxLifetime,
                Optional.ofNullable(defaultContainer));
        }
    }
}
