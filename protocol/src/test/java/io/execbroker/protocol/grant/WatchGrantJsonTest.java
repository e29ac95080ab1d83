package io.execbroker.protocol.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class WatchGrantJsonTest {
    @Test
    void parsesTheIssueExample() {
        WatchGrant grant = GrantJson.parseWatch(
            "{\"subject\":\"alice\",\"events\":{\"containers\":[\"web-*\"],\"labels\":[\"team=a\"],\"types\":[\"container\"]}}");
        assertThat(grant.subject()).contains("alice");
        assertThat(grant.scope().containers()).containsExactly("web-*");
        assertThat(grant.scope().labels()).containsExactly("team=a");
        assertThat(grant.scope().types()).containsExactly("container");
    }

    @Test
    void typesDefaultToContainerEventsOnly() {
        assertThat(GrantJson.parseWatch("{\"events\":{\"labels\":[\"team\"]}}").scope().types())
            .containsExactly("container");
    }

    @Test
    void aScopeWithoutContainerEventsNeedsNoContainers() {
        EventScope scope = GrantJson.parseWatch("{\"events\":{\"types\":[\"image\",\"network\"]}}").scope();
        assertThat(scope.types()).containsExactly("image", "network");
        assertThat(scope.containers()).isEmpty();
    }

    @Test
    void anExecGrantDoesNotAllowWatching() {
        assertThatThrownBy(() -> GrantJson.parseWatch("{\"container\":\"web-1\",\"command\":[\"ps\"]}"))
            .isInstanceOf(GrantPurposeException.class).hasMessage("an exec grant does not allow watching events");
    }

    @Test
    void aWatchGrantDoesNotAllowExec() {
        assertThatThrownBy(() -> GrantJson.parse("{\"container\":\"web-1\",\"events\":{\"containers\":[\"*\"]}}", null))
            .isInstanceOf(GrantPurposeException.class).hasMessage("a watch grant does not allow exec");
    }

    @Test
    void aGrantForBothIsInvalid() {
        assertThatThrownBy(() -> GrantJson.parse(
            "{\"container\":\"web-1\",\"command\":[\"ps\"],\"events\":{\"containers\":[\"*\"]}}", null))
            .isInstanceOf(InvalidGrantException.class)
            .satisfies(e -> assertThat(((InvalidGrantException) e).field()).isEqualTo("events"));
    }

    @Test
    void theJwtClaimFormIsTheScopeAlone() {
        EventScope scope = GrantJson.parseScope("{\"containers\":[\"db-1\"],\"types\":[\"container\",\"volume\"]}");
        assertThat(scope.containers()).containsExactly("db-1");
        assertThat(scope.types()).containsExactly("container", "volume");
    }

    static Stream<Arguments> invalidScopes() {
        return Stream.of(
            Arguments.of("{}", "events"),
            Arguments.of("{\"events\":[]}", "events"),
            Arguments.of("{\"events\":{}}", "events.containers"),
            Arguments.of("{\"events\":{\"containers\":\"web-1\"}}", "events.containers"),
            Arguments.of("{\"events\":{\"containers\":[1]}}", "events.containers[0]"),
            Arguments.of("{\"events\":{\"containers\":[\"\"]}}", "events.containers[0]"),
            Arguments.of("{\"events\":{\"containers\":[\"/web-1\"]}}", "events.containers[0]"),
            Arguments.of("{\"events\":{\"labels\":[\"=a\"]}}", "events.labels[0]"),
            Arguments.of("{\"events\":{\"containers\":[\"*\"],\"labels\":[\"ok\",\"name=web-1\"]}}", "events.labels[1]"),
            Arguments.of("{\"events\":{\"containers\":[\"*\"],\"types\":[]}}", "events.types"),
            Arguments.of("{\"events\":{\"containers\":[\"*\"],\"types\":[\"containers\"]}}", "events.types"),
            Arguments.of("{\"events\":{\"containers\":[\"*\"]},\"subject\":7}", "subject"));
    }

    @ParameterizedTest
    @MethodSource("invalidScopes")
    void invalidScopesNameTheField(String json, String field) {
        assertThatThrownBy(() -> GrantJson.parseWatch(json))
            .isInstanceOf(InvalidGrantException.class)
            .satisfies(e -> assertThat(((InvalidGrantException) e).field()).isEqualTo(field))
            .hasMessageStartingWith(field + ": ");
    }

    @Test
    void messagesSayWhatWasExpected() {
        assertThatThrownBy(() -> GrantJson.parseWatch("{\"events\":{\"containers\":[\"*\"],\"types\":[\"containers\"]}}"))
            .hasMessage("events.types: \"containers\" (expected: one of [builder, config, container, daemon, image,"
                + " network, node, plugin, secret, service, volume])");
    }

    @Test
    void commandLinesOfExecEventsAreCutUnlessTheScopeSaysCommands() {
        assertThat(GrantJson.parseWatch("{\"events\":{\"containers\":[\"*\"]}}").scope().commands()).isFalse();
        assertThat(GrantJson.parseWatch("{\"events\":{\"containers\":[\"*\"],\"commands\":true}}").scope().commands())
            .isTrue();
        assertThatThrownBy(() -> GrantJson.parseWatch("{\"events\":{\"containers\":[\"*\"],\"commands\":\"yes\"}}"))
            .isInstanceOf(InvalidGrantException.class).hasMessageContaining("events.commands")
            .hasMessageContaining("a string (expected: true or false)");
    }
}
