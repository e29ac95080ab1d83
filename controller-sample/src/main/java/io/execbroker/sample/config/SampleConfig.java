package io.execbroker.sample.config;

import io.execbroker.sample.fleet.Brokers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the app, checked once at startup.
 *
 * @param host the address to listen on, like {@code 127.0.0.1}
 * @param port the port, or 0 for any free one (tests)
 * @param jdbcUrl where one-time tokens are stored, like {@code jdbc:h2:file:/var/lib/sample/tokens}
 * @param brokerSecret what the broker sends as {@code Authorization: Bearer}; required in token mode
 * @param tokenTtl how long an issued token or JWT is valid (short on purpose: the page uses it at once)
 * @param brokers the broker, or the fleet of brokers, the page is sent to, and which serves which container
 * @param jwt set for JWT mode: sign grants instead of storing tokens
 * @param tls certificate and key for HTTPS; also makes the session cookie Secure
 * @param secureCookie mark the session cookie Secure even without TLS here (TLS ends at a proxy)
 * @param login limits on login attempts and on waiting password checks
 */
public record SampleConfig(String host, int port, String jdbcUrl, Optional<String> brokerSecret, Duration tokenTtl,
                           Brokers brokers, Optional<JwtSettings> jwt, Optional<TlsFiles> tls, boolean secureCookie,
                           LoginLimits login) {
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofSeconds(30);

    public SampleConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
        }
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        if (tokenTtl.isNegative() || tokenTtl.isZero() || tokenTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("tokenTtl: " + tokenTtl + " (expected: > 0 and <= 1h)");
        }
        Objects.requireNonNull(brokers, "brokers");
        Objects.requireNonNull(login, "login");
        brokerSecret = brokerSecret == null ? Optional.empty() : brokerSecret;
        jwt = jwt == null ? Optional.empty() : jwt;
        tls = tls == null ? Optional.empty() : tls;
        if (brokers.isFleet() && jwt.flatMap(JwtSettings::audience).isPresent()) {
            throw new IllegalArgumentException("jwt.audience: " + jwt.get().audience().get() + " with a fleet of"
                + " brokers (expected: none; each JWT's aud is the id of the broker it is for)");
        }
        if (jwt.isEmpty() && brokerSecret.isEmpty()) {
            throw new IllegalArgumentException("brokerSecret: missing (expected: a secret file in token mode, so "
                + "only the broker may redeem tokens)");
        }
        brokerSecret.ifPresent(secret -> {
            if (secret.length() < 16) {
                throw new IllegalArgumentException("brokerSecret: " + secret.length() + " chars (expected: >= 16)");
            }
        });
    }

    /** Whether the session cookie gets the Secure flag. */
    public boolean cookieSecure() {
        return secureCookie || tls.isPresent();
    }

    /**
     * JWT mode.
     *
     * @param privateKeyPem a PKCS#8 RSA key file, or empty to generate a key at start (fine: tokens live seconds)
     * @param audience the {@code aud} claim of every JWT, which the broker checks, like {@code exec-broker}; empty for
     *     a fleet, where each JWT's {@code aud} is the id of the broker it is for
     * @param issuer the {@code iss} claim, if any
     */
    public record JwtSettings(Optional<Path> privateKeyPem, Optional<String> audience, Optional<String> issuer) {
        public JwtSettings {
            privateKeyPem = privateKeyPem == null ? Optional.empty() : privateKeyPem;
            audience = audience == null ? Optional.empty() : audience;
            issuer = issuer == null ? Optional.empty() : issuer;
        }
    }

    /** PEM certificate chain and PKCS#8 key for HTTPS. */
    public record TlsFiles(Path certPem, Path keyPem) {
        public TlsFiles {
            Objects.requireNonNull(certPem, "certPem");
            Objects.requireNonNull(keyPem, "keyPem");
        }
    }
}
