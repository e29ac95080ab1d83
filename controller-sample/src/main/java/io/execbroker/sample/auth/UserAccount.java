package io.execbroker.sample.auth;

import io.execbroker.protocol.grant.ExecGrant;

import java.util.List;
import java.util.Objects;

/**
 * One user of the users file: the password hash and what the user may run.
 *
 * @param name the login name, like {@code alice}
 * @param passwordHash checked at login
 * @param grants what the user may run, in file order; the page refers to them by index
 */
public record UserAccount(String name, PasswordHash passwordHash, List<ExecGrant> grants) {
    public UserAccount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(passwordHash, "passwordHash");
        grants = List.copyOf(grants);
    }
}
