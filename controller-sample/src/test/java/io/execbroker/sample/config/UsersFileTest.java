package io.execbroker.sample.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.execbroker.sample.auth.PasswordHash;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;

import java.security.SecureRandom;
import java.util.List;

import org.junit.jupiter.api.Test;

class UsersFileTest {
    private static final String HASH = PasswordHash.create("pw".toCharArray(), 1_000, new SecureRandom()).toString();

    @Test
    void readsUsersAndGrantsWithTheUserAsSubject() {
        Users users = UsersFile.parse("""
            {"bob": {"hash": "%s", "grants": [{"container": "servertest", "command": ["ps", "aux"],
                                               "subject": "someone-else"}]}}
            """.formatted(HASH), "users.json");

        UserAccount bob = users.find("bob").orElseThrow();
        assertThat(bob.grants()).singleElement().satisfies(grant -> {
            assertThat(grant.container()).isEqualTo("servertest");
            assertThat(grant.command()).isEqualTo(List.of("ps", "aux"));
            assertThat(grant.tty()).isFalse();
            assertThat(grant.subject()).contains("bob");
        });
        assertThat(users.authenticate("bob", "pw".toCharArray())).contains(bob);
        assertThat(users.authenticate("bob", "nope".toCharArray())).isEmpty();
        assertThat(users.authenticate("nobody", "pw".toCharArray())).isEmpty();
    }

    @Test
    void namesTheUserAndGrantOfAnInvalidGrant() {
        assertThatThrownBy(() -> UsersFile.parse("""
            {"alice": {"hash": "%s", "grants": [{"container": "servertest", "command": []}]}}
            """.formatted(HASH), "users.json"))
            .hasMessage("users file users.json, user \"alice\", grants[0]: command: empty (expected: at least the "
                + "program to run)");
    }

    @Test
    void namesTheUserWithoutAHash() {
        assertThatThrownBy(() -> UsersFile.parse("{\"alice\": {\"grants\": []}}", "users.json"))
            .hasMessage("users file users.json, user \"alice\": hash missing (expected: a string from hash-password)");
    }

    @Test
    void rejectsAFileThatIsNotAnObject() {
        assertThatThrownBy(() -> UsersFile.parse("[]", "users.json"))
            .hasMessage("users file users.json: expected a JSON object keyed by user name");
    }
}
