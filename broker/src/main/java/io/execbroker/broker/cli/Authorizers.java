package io.execbroker.broker.cli;

import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.ControllerAuthorizer;
import io.execbroker.broker.config.BrokerConfig;
import io.execbroker.broker.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
            return new ControllerAuthorizer(WebClient.create(vertx), new ControllerAuthorizer.Settings(c.url().toString(),
                secret, cfg.defaultContainer().orElse(null), c.timeout(), c.maxBodyBytes(), c.maxInFlight()));
        }
        throw new ConfigException("jwt: JWT mode is not built yet");
    }
}
