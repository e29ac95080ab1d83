package io.execbroker.broker.cli;

import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.ControllerAuthorizer;
import io.execbroker.broker.auth.JwtAuthorizer;
import io.execbroker.broker.auth.JwtKeySource;
import io.execbroker.broker.auth.JwtSettings;
import io.execbroker.broker.config.BrokerConfig;
import io.execbroker.broker.config.ConfigException;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;

/** Builds the authorizer of the configured mode. */
final class Authorizers {
    private Authorizers() {
    }

    static Authorizer create(Vertx vertx, BrokerConfig cfg) throws ConfigException {
        if (cfg.controller().isPresent()) {
            BrokerConfig.Controller c = cfg.controller().get();
            Optional<String> secret = Optional.empty();
            if (c.secretFile().isPresent()) {
                try {
                    secret = Optional.of(Files.readString(c.secretFile().get(), StandardCharsets.UTF_8).strip());
                } catch (IOException e) {
                    throw new ConfigException("controller.secretFile: cannot read it (" + e.getMessage() + ")");
                }
            }
            return new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(c.url().toString(),
                secret, cfg.defaultContainer().orElse(null), c.timeout(), c.maxBodyBytes(), c.maxInFlight(),
                Optional.of(cfg.identity().id())));
        }
        return jwt(vertx, cfg.jwt().orElseThrow(), cfg.jwtAudience(), cfg.defaultContainer());
    }

    private static Authorizer jwt(Vertx vertx, BrokerConfig.Jwt jwt, String audience, Optional<String> defaultContainer)
            throws ConfigException {
        JwtKeySource keys;
        try {
            if (jwt.secretFile().isPresent()) {
                keys = JwtKeySource.hmacSecret(secretBytes(Files.readString(jwt.secretFile().get(), StandardCharsets.UTF_8)));
            } else if (jwt.secretEnv().isPresent()) {
                String value = System.getenv(jwt.secretEnv().get());
                if (value == null || value.isBlank()) {
                    throw new ConfigException("jwt.secretEnv: " + jwt.secretEnv().get() + " is not set (expected: the "
                        + "name of an environment variable holding the HMAC secret)");
                }
                keys = JwtKeySource.hmacSecret(secretBytes(value));
            } else if (jwt.publicKeyFile().isPresent()) {
                keys = JwtKeySource.publicKeyPem(Files.readString(jwt.publicKeyFile().get(), StandardCharsets.US_ASCII));
            } else {
                keys = JwtKeySource.jwks(jwt.jwksUrl().orElseThrow());
            }
        } catch (IOException e) {
            throw new ConfigException("jwt: cannot read the key (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("jwt: " + e.getMessage());
        }
        JwtSettings.Builder settings = JwtSettings.builder(keys).leeway(jwt.leeway()).requireJti(jwt.singleUseJti())
            .jwksMaxAge(jwt.jwksMaxAge()).maxLifetime(jwt.maxLifetime());
        jwt.issuer().ifPresent(settings::issuer);
        settings.audience(audience);
        defaultContainer.ifPresent(settings::defaultContainer);
        try {
            return new JwtAuthorizer(vertx, settings.build(), Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("jwt: " + e.getMessage());
        }
    }

    /** A secret file's trailing newline is not part of the secret. */
    private static byte[] secretBytes(String text) {
        return text.strip().getBytes(StandardCharsets.UTF_8);
    }
}
