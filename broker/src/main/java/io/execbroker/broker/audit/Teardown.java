package io.execbroker.broker.audit;

import java.util.Optional;

/**
 * Whether the broker confirmed that the processes of a session are gone: of a session it ended before its process
 * did, or of one whose process exited and left others running (background jobs), which the broker kills too. An
 * unconfirmed teardown means they may still run in the container, and says why; the session's slot is freed all
 * the same, so that one stuck process cannot take a slot for ever, but never silently. Immutable.
 *
 * @param confirmed true once no process of the exec is left and Docker reports its exit
 * @param reason why it could not be confirmed, like {@code pid 4242 is no process in this broker's /proc}; empty
 *     when confirmed
 * @param leftovers how many processes the exited command had left running and the broker killed; 0 for a session
 *     the broker ended
 */
public record Teardown(boolean confirmed, Optional<String> reason, int leftovers) {
    /** The processes were killed and are gone. */
    public static final Teardown CONFIRMED = new Teardown(true, Optional.empty(), 0);

    /** Returns an unconfirmed teardown, with why. */
    public static Teardown unconfirmed(String reason) {
        return new Teardown(false, Optional.of(reason), 0);
    }

    /** Returns the teardown of a command that exited leaving {@code count} processes, which were killed. */
    public static Teardown leftoversKilled(int count) {
        return new Teardown(true, Optional.empty(), count);
    }
}
