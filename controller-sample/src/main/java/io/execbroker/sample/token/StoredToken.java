package io.execbroker.sample.token;

import java.time.Instant;
import java.util.Objects;

/**
 * A row of the token table.
 *
 * @param subject the user the token was issued to
 * @param grantJson the grant, in the JSON of DESIGN.md §5
 * @param expiresAt when it stops being redeemable
 */
public record StoredToken(String subject, String grantJson, Instant expiresAt) {
    public StoredToken {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(grantJson, "grantJson");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
