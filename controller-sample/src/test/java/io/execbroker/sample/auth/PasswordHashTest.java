package io.execbroker.sample.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

class PasswordHashTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void matchesTheRightPasswordOnlyAfterARoundTripThroughText() {
        PasswordHash hash = PasswordHash.create("s3cret".toCharArray(), 1_000, random);

        PasswordHash parsed = PasswordHash.parse(hash.toString());

        assertThat(hash.toString()).startsWith("pbkdf2-sha256$1000$");
        assertThat(parsed.matches("s3cret".toCharArray())).isTrue();
        assertThat(parsed.matches("s3cret ".toCharArray())).isFalse();
        assertThat(parsed.matches("".toCharArray())).isFalse();
    }

    @Test
    void saltsEachHashDifferently() {
        assertThat(PasswordHash.create("same".toCharArray(), 1_000, random).toString())
            .isNotEqualTo(PasswordHash.create("same".toCharArray(), 1_000, random).toString());
    }

    @Test
    void rejectsAnotherSchemeNamingTheExpectedForm() {
        assertThatThrownBy(() -> PasswordHash.parse("$2b$12$abcdefghijklmnopqrstuv"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("expected: pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>");
    }

    @Test
    void rejectsTooFewIterations() {
        assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256$10$AAAAAAAAAAAAAAAAAAAAAA$"
            + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
            .hasMessage("iterations: 10 (expected: 1000 to 10000000)");
    }

    @Test
    void rejectsIterationsThatAreNotANumber() {
        assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256$many$AAAA$AAAA"))
            .hasMessage("password hash iterations: \"many\" (expected: a number)");
    }
}
