package io.execbroker.broker.audit;

import java.util.Optional;

/**
 * Whether the broker confirmed that the processes of a session it ended are gone. An unconfirmed teardown means
 * they may still run in the container, and says why; the session's slot is freed all the same, so that one stuck
 * process cannot take a slot for ever, but never silently. Immutable.
 *
 * @param confirmed true once no process of the exec is left and Docker reports its exit
 * @param reason why it could not be confirmed, like {@code pid 4242 is no process in this broker's /proc}; empty
 *     when confirmed
 */
public record Teardown(boolean confirmed, Optional<String> reason) {
    /** The processes were killed and are gone. */
    public static final Teardown CONFIRMED = new Teardown(true, Optional.empty());

    /** Returns an unconfirmed teardown, with why. */
    public static Teardown unconfirmed(String reason) {
        return new Teardown(false, Optional.of(reason));
    }
}
