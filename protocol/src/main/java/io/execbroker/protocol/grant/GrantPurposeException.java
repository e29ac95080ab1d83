package io.execbroker.protocol.grant;

/**
 * A valid grant for the other purpose: an exec grant (it has {@code command}) where a watch was asked for, or a
 * watch grant (it has {@code events} and no {@code command}) where an exec was. The token is good, it just does
 * not allow this, so the broker answers 403 rather than blaming the controller.
 */
public final class GrantPurposeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public GrantPurposeException(String message) {
        super(message);
    }
}
