package io.execbroker.protocol.grant;

import java.util.Objects;
import java.util.Optional;

/**
 * What one watch of Docker events may see: the answer of the controller or the JWT for {@code purpose=events},
 * before the broker's own policy. A watch grant holds a scope and no command, and allows no exec; an
 * {@link ExecGrant} allows no watch. Immutable. The JSON form is read by {@link GrantJson#parseWatch}.
 *
 * @param subject who the grant is for, like {@code alice}, for the audit log
 * @param scope what the watch may see
 */
public record WatchGrant(Optional<String> subject, EventScope scope) {
    public WatchGrant {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(scope, "scope");
        if (subject.isPresent() && (subject.get().isEmpty() || subject.get().length() > ExecGrant.MAX_STRING_CHARS)) {
            throw new InvalidGrantException("subject", "empty or too long (expected: a value, or leave the field out)");
        }
    }
}
