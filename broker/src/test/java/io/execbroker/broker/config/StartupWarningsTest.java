package io.execbroker.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class StartupWarningsTest {
    private static BrokerConfig load(Map<String, String> flags) throws ConfigException {
        return BrokerConfig.from(ConfigValues.load(Optional.empty(), Map.of(), flags));
    }

    @Test
    void commandsWithoutEnvKeysAnyUserAndAFleetAudienceAreEachNamed() throws Exception {
        assertThat(StartupWarnings.of(load(Map.of("jwt.jwksUrl", "https://idp/jwks", "policy.commands",
            "[[\"ps\", \"aux\"]]", "broker.id", "host-1", "jwt.audience", "fleet-a")))).containsExactly(
                "policy.commands is set but policy.envKeys is not: a grant may set any environment variable, PATH"
                    + " and LD_PRELOAD included, and so run other code than the allowed commands",
                "policy.users is not set: a grant may name any exec user, root included",
                "jwt.audience fleet-a is not broker.id host-1: a token for that audience is taken by every broker"
                    + " that has it, and each keeps its own record of used jti values, so a single-use token can be"
                    + " used once on each of them (unset jwt.audience to bind tokens to this broker)");
    }

    @Test
    void aTokenBoundToThisBrokerOrReusableAnywayIsNoRisk() throws Exception {
        assertThat(StartupWarnings.of(load(Map.of("jwt.jwksUrl", "https://idp/jwks", "policy.users", "1000",
            "broker.id", "host-1")))).as("aud is the broker id").isEmpty();
        assertThat(StartupWarnings.of(load(Map.of("jwt.jwksUrl", "https://idp/jwks", "policy.users", "1000",
            "jwt.audience", "fleet-a", "jwt.singleUseJti", "false")))).as("no jti is single-use anyway").isEmpty();
    }

    @Test
    void aClosedPolicyWarnsOfNothing() throws Exception {
        assertThat(StartupWarnings.of(load(Map.of("jwt.jwksUrl", "https://idp/jwks", "broker.id", "broker-a",
            "policy.commands", "[[\"ps\", \"aux\"]]", "policy.envKeys", "LANG", "policy.users", "1000")))).isEmpty();
        assertThat(StartupWarnings.of(load(Map.of("controller.url", "https://app/c", "policy.users", "1000"))))
            .as("the audience is a JWT mode matter").isEmpty();
    }
}
