package io.execbroker.sample.token;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A row of the token table.
 *
 * @param subject the user the token was issued to
 * @param grantJson the grant, in the JSON of DESIGN.md §5
 * @param expiresAt when it stops being redeemable
 * @param brokerId the id of the broker it was issued for, the only one that may redeem it; empty for a row stored
 *     before tokens were bound to brokers
 */
public record StoredToken(String subject, String grantJson, Instant expiresAt, Optional<String> brokerId) {
    public StoredToken {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(grantJson, "grantJson");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(brokerId, "brokerId");
    }
}
