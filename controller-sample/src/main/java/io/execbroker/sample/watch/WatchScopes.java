package io.execbroker.sample.watch;

import io.execbroker.protocol.grant.EventScope;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.execbroker.sample.auth.UserAccount;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The watch grant a user gets: the events of the containers the user may exec in, and nothing else. Its scope is
 * the distinct containers of the user's exec grants, in file order, with container events only
 * ({@code types: ["container"]}), no labels and never a glob. Pure and thread safe.
 */
public final class WatchScopes {
    /**
     * A name Docker itself would accept ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}): such a name holds no {@code *} or
     * {@code ?}, so the broker matches it exactly and it can never widen into a glob.
     */
    private static final Pattern DOCKER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private WatchScopes() {
    }

    /**
     * Returns the watch grant of {@code account}, subject = the user; empty when none of the user's grants names a
     * container that can be watched (no grants at all, say). A grant's container with a leading {@code /} is taken
     * without it, as Docker does; one that is not a Docker name is left out, never turned into a pattern.
     */
    public static Optional<WatchGrant> of(UserAccount account) {
        return of(account, container -> true);
    }

    /**
     * Returns the watch grant of {@code account} narrowed to the containers {@code served} accepts (those of one
     * broker, in a fleet: a broker sees only its own engine's events); empty when none is left.
     */
    public static Optional<WatchGrant> of(UserAccount account, Predicate<String> served) {
        List<String> containers = containers(account.grants()).stream().filter(served).toList();
        if (containers.isEmpty()) {
            return Optional.empty();
        }
        EventScope scope = new EventScope(containers, List.of(), Set.of(EventScope.CONTAINER));
        return Optional.of(new WatchGrant(Optional.of(account.name()), scope));
    }

    /** Returns the distinct, exactly matched container names of {@code grants}, in order. */
    public static List<String> containers(List<ExecGrant> grants) {
        Set<String> names = new LinkedHashSet<>();
        for (ExecGrant grant : grants) {
            String name = grant.container().startsWith("/") ? grant.container().substring(1) : grant.container();
            if (DOCKER_NAME.matcher(name).matches()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }
}
