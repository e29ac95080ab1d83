package io.execbroker.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BrokerIdentityTest {
    private static final Map<String, String> JWT = Map.of("jwt.jwksUrl", "https://idp.example/jwks");

    private static BrokerConfig load(Map<String, String> extra) throws ConfigException {
        Map<String, String> flags = new HashMap<>(JWT);
        flags.putAll(extra);
        return BrokerConfig.from(ConfigValues.load(Optional.empty(), Map.of(), flags));
    }

    @Test
    void theIdIsTheHostNameUnlessSetAndIsTheAudienceAJwtMustCarry() throws Exception {
        BrokerConfig defaults = load(Map.of());
        assertThat(defaults.identity().id()).isEqualTo(BrokerIdentity.hostName()).isNotBlank();
        assertThat(defaults.jwtAudience()).isEqualTo(defaults.identity().id());
        assertThat(defaults.identity().publicUrl()).isEmpty();

        BrokerConfig named = load(Map.of("broker.id", "host-1.dc-2", "broker.publicUrl", "wss://host-1.example:8866/exec"));
        assertThat(named.identity()).isEqualTo(new BrokerIdentity("host-1.dc-2",
            Optional.of(URI.create("wss://host-1.example:8866/exec"))));
        assertThat(named.jwtAudience()).isEqualTo("host-1.dc-2");
    }

    @Test
    void aFleetAudienceIsTakenWhenConfigured() throws Exception {
        assertThat(load(Map.of("broker.id", "host-1", "jwt.audience", "fleet-a")).jwtAudience()).isEqualTo("fleet-a");
    }

    @Test
    void anIdThatCannotBeAHeaderOrAnAudienceIsRefusedNamingTheKey() {
        for (String bad : new String[] {"-leading-dash", "has space", "a/b", "colon:1", "x".repeat(254), "tab\there"}) {
            assertThatThrownBy(() -> load(Map.of("broker.id", bad))).as(bad).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("broker.id: ")
                .hasMessageContaining("expected: letters, digits, '.', '_' or '-'")
                .hasMessageNotContaining("\t");
        }
    }

    @Test
    void thePublicUrlMustBeAWebSocketUrl() {
        for (String bad : new String[] {"https://host-1.example/exec", "host-1:8866", "ws:///no-host", "wss://bad host/"}) {
            assertThatThrownBy(() -> load(Map.of("broker.publicUrl", bad))).as(bad).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("broker.publicUrl: ")
                .hasMessageContaining("expected: the ws:// or wss:// URL clients reach this broker at");
        }
    }
}
