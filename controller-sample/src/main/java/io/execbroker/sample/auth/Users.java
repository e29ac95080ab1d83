package io.execbroker.sample.auth;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;

/**
 * The users of the app and their password check. Immutable and thread safe; {@link #authenticate} blocks for
 * the PBKDF2 time, so call it on a worker thread.
 */
public final class Users {
    private final Map<String, UserAccount> accounts;
    /** Checked when the user is unknown, so unknown and known users take the same time. */
    private final PasswordHash decoy;

    public Users(Map<String, UserAccount> accounts) {
        this.accounts = Map.copyOf(accounts);
        int iterations = this.accounts.values().stream().mapToInt(a -> a.passwordHash().iterations()).max()
            .orElse(PasswordHash.DEFAULT_ITERATIONS);
        this.decoy = PasswordHash.create("decoy".toCharArray(), iterations, new SecureRandom());
    }

    /** Returns the account named {@code name}, if any. */
    public Optional<UserAccount> find(String name) {
        return Optional.ofNullable(accounts.get(name));
    }

    /** Returns the account if {@code password} is right; empty for a wrong password and an unknown user alike. */
    public Optional<UserAccount> authenticate(String name, char[] password) {
        UserAccount account = accounts.get(name);
        if (account == null) {
            decoy.matches(password);
            return Optional.empty();
        }
        return account.passwordHash().matches(password) ? Optional.of(account) : Optional.empty();
    }
}
