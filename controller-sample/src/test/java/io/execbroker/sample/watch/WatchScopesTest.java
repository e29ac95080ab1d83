package io.execbroker.sample.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.WatchGrant;
import io.execbroker.sample.auth.PasswordHash;
import io.execbroker.sample.auth.UserAccount;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class WatchScopesTest {
    private static final PasswordHash HASH = PasswordHash.create("pw".toCharArray(), PasswordHash.MIN_ITERATIONS,
        new SecureRandom());

    @Test
    void watchesTheDistinctContainersOfTheUsersGrantsInOrderAndContainerEventsOnly() {
        UserAccount alice = user("alice", grant("web-1", "/bin/sh"), grant("db", "ps", "aux"), grant("web-1", "ps", "aux"));

        WatchGrant grant = WatchScopes.of(alice).orElseThrow();

        assertThat(grant.subject()).contains("alice");
        assertThat(grant.scope().containers()).containsExactly("web-1", "db");
        assertThat(grant.scope().labels()).isEmpty();
        assertThat(grant.scope().types()).containsExactly("container");
    }

    @Test
    void takesAContainerNamedWithALeadingSlashWithoutIt() {
        UserAccount alice = user("alice", grant("/servertest", "/bin/sh"), grant("servertest", "ps"));

        assertThat(WatchScopes.of(alice).orElseThrow().scope().containers()).containsExactly("servertest");
    }

    @Test
    void neverTurnsAContainerIntoAGlobThatWouldMatchMore() {
        UserAccount mallory = user("mallory", grant("*", "/bin/sh"), grant("web-?", "/bin/sh"), grant("a/b", "ls"),
            grant("servertest", "ps"));

        assertThat(WatchScopes.of(mallory).orElseThrow().scope().containers()).containsExactly("servertest");
    }

    @Test
    void givesNothingToWatchToAUserWithoutAWatchableContainer() {
        assertThat(WatchScopes.of(user("dave"))).isEmpty();
        assertThat(WatchScopes.of(user("erin", grant("*", "/bin/sh")))).isEmpty();
    }

    @Test
    void writesTheWatchGrantJsonThatTheProtocolReadsBack() {
        WatchGrant grant = WatchScopes.of(user("alice", grant("servertest", "/bin/sh"))).orElseThrow();

        String json = WatchGrantJson.toJson(grant);

        assertThat(json).isEqualTo("{\"subject\":\"alice\",\"events\":{\"containers\":[\"servertest\"],"
            + "\"types\":[\"container\"]}}");
        assertThat(GrantJson.parseWatch(json)).isEqualTo(grant);
    }

    private static UserAccount user(String name, ExecGrant... grants) {
        return new UserAccount(name, HASH, Arrays.asList(grants));
    }

    private static ExecGrant grant(String container, String... command) {
        return ExecGrant.builder(container, List.of(command)).build();
    }

}
