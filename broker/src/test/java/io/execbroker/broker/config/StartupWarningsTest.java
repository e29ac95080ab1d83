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
    void commandsWithoutEnvKeysAnyUserAndNoAudienceAreEachNamed() throws Exception {
        assertThat(StartupWarnings.of(load(Map.of("jwt.jwksUrl", "https://idp/jwks", "policy.commands",
            "[[\"ps\", \"aux\"]]")))).containsExactly(
                "policy.commands is set but policy.envKeys is not: a grant may set any environment variable, PATH"
                    + " and LD_PRELOAD included, and so run other code than the allowed commands",
                "policy.users is not set: a grant may name any exec user, root included",
                "jwt.audience is not set: a token is accepted by every broker that shares the key");
    }

    @Test
    void aClosedPolicyWarnsOfNothing() throws Exception {
        assertThat(StartupWarnings.of(load(Map.of("jwt.jwksUrl", "https://idp/jwks", "jwt.audience", "broker-a",
            "policy.commands", "[[\"ps\", \"aux\"]]", "policy.envKeys", "LANG", "policy.users", "1000")))).isEmpty();
        assertThat(StartupWarnings.of(load(Map.of("controller.url", "https://app/c", "policy.users", "1000"))))
            .as("the audience is a JWT mode matter").isEmpty();
    }
}
