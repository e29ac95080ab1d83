package io.execbroker.broker.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class OriginCheckTest {
    private final OriginCheck check = new OriginCheck(Set.of("https://app.example.com"));

    @Test
    void allowsTheListedOriginExactly() {
        assertThat(check.allows(Optional.of("https://app.example.com"))).isTrue();
        assertThat(check.allows(Optional.of("HTTPS://App.Example.com/"))).isTrue();
    }

    @Test
    void refusesOtherSchemesHostsAndPorts() {
        assertThat(check.allows(Optional.of("http://app.example.com"))).isFalse();
        assertThat(check.allows(Optional.of("https://app.example.com:8443"))).isFalse();
        assertThat(check.allows(Optional.of("https://evil.example.com"))).isFalse();
        assertThat(check.allows(Optional.of("https://app.example.com.evil.net"))).isFalse();
        assertThat(check.allows(Optional.of("null"))).isFalse();
    }

    @Test
    void requestWithoutOriginIsNotABrowserAndPasses() {
        assertThat(check.allows(Optional.empty())).isTrue();
    }

    @Test
    void noConfiguredOriginsRefusesEveryBrowser() {
        assertThat(new OriginCheck(Set.of()).allows(Optional.of("https://app.example.com"))).isFalse();
    }

    @Test
    void starAllowsAnyOriginOnlyWhenConfigured() {
        assertThat(new OriginCheck(Set.of("*")).allows(Optional.of("https://anything.example"))).isTrue();
    }
}
